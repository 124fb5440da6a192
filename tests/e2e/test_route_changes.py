"""Snapshots swap atomically: connections in flight keep their backend, new ones see the new
routes at once, and a bad snapshot is refused with a reason while the old routes keep serving."""

import json
import signal
import socket
import struct
import time

from dataplane_process import route, snapshot
from tls_clients import ask, peer_common_name, python_connect


def test_route_change_under_50_open_connections_loses_none(backend_factory, dataplane_factory):
    old = backend_factory("old.example.com")
    new = backend_factory("new.example.com")
    dataplane = dataplane_factory(control_socket=True)
    assert dataplane.control(snapshot(1, [route("app.example.com", old.port)])) == {"generation": 1, "ok": True}

    open_connections = [python_connect(dataplane.port, "app.example.com") for _ in range(50)]
    for i, tls in enumerate(open_connections):
        assert ask(tls, f"before {i}") == f"old.example.com: before {i}"

    assert dataplane.control(snapshot(2, [route("app.example.com", new.port)])) == {"generation": 2, "ok": True}

    with python_connect(dataplane.port, "app.example.com") as fresh:
        assert peer_common_name(fresh) == "new.example.com"
    for i, tls in enumerate(open_connections):
        assert ask(tls, f"after {i}") == f"old.example.com: after {i}"
        tls.close()


def test_bad_snapshot_is_rejected_with_a_reason_and_old_routes_keep_serving(backend_factory, dataplane_factory):
    a = backend_factory("a.example.com")
    dataplane = dataplane_factory(control_socket=True)
    assert dataplane.control(snapshot(5, [route("a.example.com", a.port)]))["ok"]

    bad = snapshot(6, [route("a.example.com", a.port)])
    bad["routes"][0]["backends"][0]["address"] = "backend.internal"
    reply = dataplane.control(bad)
    assert reply["ok"] is False
    assert "route 0: backend 0: address \"backend.internal\" is not an IPv4 or IPv6 literal" in reply["error"]

    stale = dataplane.control(snapshot(4, []))
    assert stale["ok"] is False and "not newer" in stale["error"]

    with python_connect(dataplane.port, "a.example.com") as tls:
        assert peer_common_name(tls) == "a.example.com"
    assert dataplane.control({"get": "snapshot"})["generation"] == 5
    metrics = dataplane.metrics()
    assert metrics["snigate_snapshots_rejected_total"] == 2
    assert metrics["snigate_snapshot_generation"] == 5


def test_readyz_turns_ready_with_the_first_snapshot(backend_factory, dataplane_factory):
    a = backend_factory("a.example.com")
    dataplane = dataplane_factory(control_socket=True)
    assert dataplane.http("/healthz")[0] == 200
    assert dataplane.http("/readyz")[0] == 503
    dataplane.control(snapshot(1, [route("a.example.com", a.port)]))
    assert dataplane.http("/readyz")[0] == 200


def test_control_socket_is_private_and_answers_garbage_with_a_reason(dataplane_factory):
    dataplane = dataplane_factory(control_socket=True)
    assert dataplane.socket_path.stat().st_mode & 0o777 == 0o600
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as control:
        control.settimeout(5)
        control.connect(str(dataplane.socket_path))
        payload = b"{not json"
        control.sendall(struct.pack(">I", len(payload)) + payload)
        length = struct.unpack(">I", control.recv(4))[0]
        reply = json.loads(control.recv(length))
    assert reply == {"ok": False, "error": "snapshot rejected: not valid JSON"}


def test_sighup_rereads_the_routes_file_and_keeps_old_routes_if_it_is_broken(backend_factory, dataplane_factory):
    a = backend_factory("a.example.com")
    b = backend_factory("b.example.com")
    dataplane = dataplane_factory(routes=snapshot(1, [route("app.example.com", a.port)]), control_socket=False)
    dataplane.routes_file.write_text(json.dumps(snapshot(2, [route("app.example.com", b.port)])))
    dataplane.signal(signal.SIGHUP)
    wait_for(lambda: dataplane.metrics()["snigate_snapshot_generation"] == 2)
    with python_connect(dataplane.port, "app.example.com") as tls:
        assert peer_common_name(tls) == "b.example.com"

    dataplane.routes_file.write_text("{\"version\": 1, \"generation\": 3, \"routes\": [{}]}")
    dataplane.signal(signal.SIGHUP)
    wait_for(lambda: dataplane.metrics()["snigate_snapshots_rejected_total"] == 1)
    with python_connect(dataplane.port, "app.example.com") as tls:
        assert peer_common_name(tls) == "b.example.com"


def wait_for(condition, timeout: float = 5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_control_socket_refuses_peers_of_another_uid(dataplane_factory, tmp_path):
    import os
    import subprocess
    if os.geteuid() != 0 or not os.path.exists("/usr/bin/python3"):
        import pytest
        pytest.skip("needs root and Debian's python3 to connect as another uid")
    shared = tmp_path / "shared"
    shared.mkdir()
    for folder in (shared, *shared.parents):  # let uid 65534 reach the socket
        if str(folder).startswith("/tmp/"):
            folder.chmod(folder.stat().st_mode | 0o755)
    dataplane = dataplane_factory(workdir=shared, control_socket=True, extra_args=("--control-socket-mode", "0666"))
    # uid 65534 (nobody) may open the socket (mode 0666) but SO_PEERCRED gives it away: the
    # dataplane answers with the refusal at once and closes, before reading anything.
    client = (
        "import socket, struct, sys\n"
        "s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])\n"
        "f = s.makefile('rb'); n = struct.unpack('>I', f.read(4))[0]; print(f.read(n).decode())\n")
    result = subprocess.run(["/usr/bin/python3", "-c", client, str(dataplane.socket_path)], capture_output=True,
                            timeout=10, user=65534, group=65534)
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout) == {"ok": False, "error": "peer uid is neither root nor the dataplane's"}


def test_broadcast_multicast_and_unspecified_backends_are_refused_and_old_routes_keep_serving(
        backend_factory, dataplane_factory):
    a = backend_factory("a.example.com")
    dataplane = dataplane_factory(control_socket=True)
    assert dataplane.control(snapshot(1, [route("a.example.com", a.port)]))["ok"]
    for generation, (address, why) in enumerate([("255.255.255.255", "is the broadcast address"),
                                                 ("239.1.2.3", "is a multicast address"),
                                                 ("::", "is unspecified")], start=2):
        reply = dataplane.control(snapshot(generation, [route("a.example.com", a.port),
                                                        route("b.example.com", 443, address=address)]))
        assert reply["ok"] is False
        assert f'route 1: backend 0: address "{address}" {why}' in reply["error"], reply
    with python_connect(dataplane.port, "a.example.com") as tls:
        assert peer_common_name(tls) == "a.example.com"
    assert dataplane.metrics()["snigate_snapshots_rejected_total"] == 3
    assert dataplane.control({"get": "snapshot"})["generation"] == 1
