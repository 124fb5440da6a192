"""bench/controller-scale's create phases: what counts as Accepted, the objects created, and a change's
milestones timed from the same write as its time to held."""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "bench"))

from controller_scale.changes import Change, measure_changes  # noqa: E402
from controller_scale.gateway_objects import GatewayObjects, accepted_by, route_hostname  # noqa: E402
from controller_scale.scale_objects import ScaleObjects, initial_addresses  # noqa: E402

OURS = "snigate.io/gateway-controller"


def parent(controller: str, accepted: str) -> dict:
    return {"controllerName": controller, "parentRef": {"name": "edge"},
            "conditions": [{"type": "ResolvedRefs", "status": "True"}, {"type": "Accepted", "status": accepted}]}


def test_accepted_only_by_our_controllers_parent_entry_with_accepted_true():
    assert accepted_by({"status": {"parents": [parent("other.example/gw", "False"), parent(OURS, "True")]}}, OURS)
    assert not accepted_by({"status": {"parents": [parent(OURS, "False")]}}, OURS)
    assert not accepted_by({"status": {"parents": [parent("other.example/gw", "True")]}}, OURS)
    assert not accepted_by({"metadata": {"name": "new"}}, OURS)
    assert not accepted_by({"status": {"parents": None}}, OURS)


def test_a_route_names_the_gateways_listener_its_own_hostname_and_a_service_of_the_benchmark():
    path, route = GatewayObjects("scale-abc").route_item(7, 42)
    assert path == "/apis/gateway.networking.k8s.io/v1/namespaces/scale-abc/tlsroutes"
    assert route["metadata"]["name"] == "route-00007"
    assert route["spec"]["hostnames"] == [route_hostname(7)] == ["route-00007.scale.example.com"]
    assert route["spec"]["parentRefs"] == [{"name": "edge", "sectionName": "tls"}]
    assert route["spec"]["rules"] == [{"backendRefs": [{"name": "svc-00042", "port": 443}]}]
    _, gateway = GatewayObjects("scale-abc").gateway_item()
    assert gateway["spec"]["listeners"] == [{"name": "tls", "port": 443, "protocol": "TLS", "tls": {"mode": "Passthrough"}}]


def test_a_created_service_has_its_own_name_and_hostname_and_a_slice_of_its_own():
    objects = ScaleObjects("ns", services=10, ingresses=0)
    _, service = objects.created_service_item(13)
    _, endpoint_slice = objects.created_slice_item(13)
    assert service["metadata"] == {"name": "new-00013", "annotations": {"snigate.io/hostnames": "new-00013.scale.example.com"}}
    assert endpoint_slice["metadata"]["labels"] == {"kubernetes.io/service-name": "new-00013"}
    assert [entry["addresses"][0] for entry in endpoint_slice["endpoints"]] == initial_addresses(3)
    assert objects.created_slice_path(13).endswith("/endpointslices/new-00013-1")


class FakeAcks:
    """Acks one generation 30 ms after each write (from the write's own clock)."""

    def __init__(self):
        self.acks = []

    def written(self):
        self.acks.append((time.monotonic() + 0.03, len(self.acks) + 1, 1))

    def latest_generation(self):
        return self.acks[-1][1] if self.acks else 0

    def wait_for(self, condition, deadline):
        for ack in self.acks:
            if condition(ack[1], ack[2]):
                return ack
        return None


class FakeProbe:
    def __init__(self, acks):
        self.acks = acks

    def snapshot_document(self):
        return {"generation": self.acks.acks[-1][1], "routes": [{"hostname": "a", "backends": []}]}


def test_milestones_are_timed_from_the_same_write_and_a_missed_one_ends_the_phase():
    acks = FakeAcks()
    reached = []

    def changes():
        while True:
            def milestone(deadline):
                if len(reached) == 2:
                    return None
                reached.append(time.monotonic() + 0.01)
                return reached[-1]
            yield Change(acks.written, lambda routes: "a" in routes, {"accepted": milestone})

    phase = measure_changes(FakeProbe(acks), acks, changes(), 5, 60, 1, lambda message: None)
    assert (phase["done"], phase["timeouts"]) == (2, 1)
    accepted = phase["milestones"]["accepted"]
    assert accepted["from_send_ms"]["n"] == 2
    for held, at in zip(phase["samples_from_send_ms"], accepted["samples_from_send_ms"]):
        assert 25 <= held <= 100 and 5 <= at <= 80 and at < held
