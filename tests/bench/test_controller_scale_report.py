"""bench/controller-scale's pure parts: latency percentiles and the expected routes."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "bench"))

from controller_scale.report import summarize_latencies  # noqa: E402
from controller_scale.scale_objects import ScaleObjects, changed_addresses, initial_addresses  # noqa: E402


def test_percentiles_are_nearest_rank_over_the_samples():
    summary = summarize_latencies([float(value) for value in range(1, 201)])
    assert summary == {"n": 200, "p50": 100.0, "p99": 198.0, "max": 200.0, "mean": 100.5}


def test_no_samples_give_no_figures():
    assert summarize_latencies([]) == {"n": 0, "p50": None, "p99": None, "max": None, "mean": None}


def test_each_ingress_routes_to_its_services_endpoints_and_addresses_stay_off_loopback():
    routes = ScaleObjects("ns", services=300, ingresses=3).expected_routes()
    assert len(routes) == 303
    assert routes["ing-00002.scale.example.com"] == routes["svc-00002.scale.example.com"]
    assert routes["svc-00257.scale.example.com"] == ["10.1.1.1:8443", "10.2.1.1:8443"]
    assert initial_addresses(0) == ["10.1.0.0"]


def test_every_change_moves_the_first_endpoint_to_an_address_not_used_before():
    seen = {address for index in range(300) for address in initial_addresses(index)}
    for change in range(70000):
        first = changed_addresses(5, change)[0]
        assert first not in seen
        seen.add(first)
