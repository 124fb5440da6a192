"""--scoped-listen: a Gateway API Gateway's own address. Its listener serves the routes whose
listen_port is its port and nothing else (no unscoped route, no default backend); the plain
listeners never serve those routes. Two Gateways may route one name to different backends."""

import json
import signal
import socket
import ssl
import time

import pytest

from dataplane_process import Dataplane, free_port, route, snapshot
from tls_clients import ask, peer_common_name, python_connect


def served_by(port: int, server_name: str) -> str:
    """The backend that answers a client of `port` naming `server_name`, after one exchange."""
    with python_connect(port, server_name) as tls:
        name = peer_common_name(tls)
        assert ask(tls, "hello") == f"{name}: hello"
        return name


def refused_without_alert(port: int, server_name: str) -> bytes:
    """What a raw client that sent a ClientHello for `server_name` reads before the end of stream."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        hello = context.wrap_bio(incoming, outgoing, server_hostname=server_name)
        with pytest.raises(ssl.SSLWantReadError):
            hello.do_handshake()
        raw.sendall(outgoing.read())
        received = b""
        while chunk := raw.recv(64):
            received += chunk
        return received


@pytest.fixture
def gateways(backend_factory, dataplane_factory):
    """abc.example.com unscoped -> A, on P1 -> B; *.com (suffix) on P2 -> C; a default backend."""
    a = backend_factory("a.example.com")
    b = backend_factory("b.example.com")
    c = backend_factory("c.example.com")
    fallback = backend_factory("default.example.com")
    p1, p2 = free_port(), free_port()
    routes = snapshot(1, [
        route("abc.example.com", a.port),
        route("abc.example.com", b.port, listen_port=p1),
        route("*.com", c.port, wildcard="suffix", listen_port=p2),
    ], default_ports=(fallback.port,))
    dataplane = dataplane_factory(routes=routes, extra_args=("--scoped-listen", f"127.0.0.1:{p1}",
                                                             "--scoped-listen", f"127.0.0.1:{p2}"))
    return dataplane, p1, p2


def test_each_listener_serves_only_the_routes_of_its_scope(gateways):
    dataplane, p1, p2 = gateways
    p0 = dataplane.port
    assert served_by(p0, "abc.example.com") == "a.example.com"
    assert served_by(p1, "abc.example.com") == "b.example.com"
    assert served_by(p2, "x.com") == "c.example.com"
    assert served_by(p2, "abc.example.com") == "c.example.com", "the wildcard of P2, not P0's or P1's exact route"
    assert served_by(p0, "unknown.example.net") == "default.example.com"
    assert served_by(p0, "x.com") == "default.example.com", "P2's wildcard is not served on the plain listener"


def test_a_scoped_listener_has_no_default_and_refuses_by_closing(gateways):
    """Gateway API clients (and the conformance suite) count only an end of stream or a reset as
    a rejection: no alert, on a listener that stands for a Gateway's."""
    dataplane, p1, _ = gateways
    assert refused_without_alert(p1, "other.example.com") == b""
    with pytest.raises((ssl.SSLEOFError, ConnectionResetError)):
        python_connect(p1, "other.example.com")
    with pytest.raises((ssl.SSLEOFError, ConnectionResetError)):
        python_connect(p1, None)  # no SNI: the default backend is not this listener's either
    assert dataplane.metric_reaches('snigate_connections_total{route="-",outcome="no_route"}', 3) == 3
    # The plain listener still answers an unknown name with its alert when there is no default.
    dataplane.control(snapshot(2, [route("abc.example.com", 1)]))
    with pytest.raises(ssl.SSLError, match="UNRECOGNIZED_NAME"):
        python_connect(dataplane.port, "other.example.com")


def test_scoped_routes_are_counted_and_listed_under_hostname_at_port(gateways):
    dataplane, p1, p2 = gateways
    served_by(dataplane.port, "abc.example.com")
    served_by(p1, "abc.example.com")
    served_by(p1, "abc.example.com")
    assert dataplane.metric_reaches('snigate_connections_total{route="abc.example.com",outcome="ok"}', 1) == 1
    assert dataplane.metric_reaches(f'snigate_connections_total{{route="abc.example.com@{p1}",outcome="ok"}}', 2) == 2
    deadline = time.monotonic() + 5  # workers write their access log lines within 250 ms
    while len(scoped_lines := [record for record in dataplane.log_records()
                               if record.get("route") == f"abc.example.com@{p1}"]) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(scoped_lines) == 2, dataplane.log()
    status, body = dataplane.http("/routes")
    assert status == 200
    listed = {(entry["hostname"], entry.get("listen_port")): entry for entry in json.loads(body)["routes"]}
    assert listed[("abc.example.com", None)]["connections"] == {"ok": 1}
    assert listed[("abc.example.com", p1)]["connections"] == {"ok": 2}
    assert listed[("*.com", p2)]["connections"] == {}


def test_a_snapshot_naming_a_port_no_scoped_listener_serves_is_rejected(gateways):
    dataplane, p1, _ = gateways
    answer = dataplane.control(snapshot(2, [route("abc.example.com", 1, listen_port=9)]))
    assert answer["ok"] is False
    assert "route 0 (\"abc.example.com\"): listen_port 9 is served by no --scoped-listen" in answer["error"], answer
    assert served_by(p1, "abc.example.com") == "b.example.com", "the old routes keep serving"
    assert served_by(dataplane.port, "abc.example.com") == "a.example.com"

    # The routes file too, on SIGHUP.
    dataplane.routes_file.write_text(json.dumps(snapshot(3, [route("abc.example.com", 1, listen_port=9)])))
    dataplane.signal(signal.SIGHUP)
    deadline = time.monotonic() + 5
    while "routes file reload failed" not in dataplane.log() and time.monotonic() < deadline:
        time.sleep(0.05)
    reload = [record for record in dataplane.log_records() if record.get("msg", "").startswith("routes file reload")]
    assert len(reload) == 1 and reload[0]["msg"] == "routes file reload failed; keeping the current routes", reload
    assert "listen_port 9 is served by no --scoped-listen" in reload[0]["reason"], reload
    assert served_by(p1, "abc.example.com") == "b.example.com"


def test_a_routes_file_naming_an_unserved_port_fails_startup(tmp_path):
    with pytest.raises(RuntimeError, match="listen_port 9 is served by no --scoped-listen"):
        Dataplane(tmp_path, routes=snapshot(1, [route("abc.example.com", 1, listen_port=9)]), control_socket=False)
