"""The access log: one JSON line per connection with what an operator of HAProxy or Envoy looks
for (local address, connect and first-byte times, the TLS version offered, who ended it first),
--access-log off, and --access-log-sample, which never drops a failed connection's line."""

import socket
import ssl
import time

import pytest

from dataplane_process import route, snapshot
from raw_peers import RecordingBackend, capture, read_until_closed
from tls_clients import ask, python_connect

# Workers hand their lines over every 250 ms: waiting this long after a connection is counted
# means its line, if any, has been written.
FLUSH_WAIT = 0.75


def connection_lines(dataplane, count: int = 1, timeout: float = 5) -> list[dict]:
    """The connection lines so far, once there are `count` of them (or after `timeout`)."""
    deadline = time.monotonic() + timeout
    while True:
        lines = [r for r in dataplane.log_records() if r.get("msg") == "connection"]
        if len(lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


def counted(dataplane, route_name: str, outcome: str, count: int):
    name = f'snigate_connections_total{{route="{route_name}",outcome="{outcome}"}}'
    assert dataplane.metric_reaches(name, count) == count


def tls12_only_connect(port: int, server_name: str) -> ssl.SSLSocket:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    return context.wrap_socket(raw, server_hostname=server_name)


def refused_by_name(port: int):
    with pytest.raises(ssl.SSLError):
        python_connect(port, "nobody.example.com").close()


@pytest.fixture
def app(backend_factory, dataplane_factory):
    backend = backend_factory("a.example.com")

    def start(*extra_args: str):
        return dataplane_factory(routes=snapshot(1, [route("a.example.com", backend.port)]), extra_args=extra_args)

    return start


def test_a_tls13_client_that_closes_first_gets_a_full_line(app):
    dataplane = app()
    with python_connect(dataplane.port, "a.example.com") as tls:
        assert tls.version() == "TLSv1.3"
        assert ask(tls, "hi") == "a.example.com: hi"
    [line] = connection_lines(dataplane)
    assert line["outcome"] == "ok"
    assert line["local"] == f"127.0.0.1:{dataplane.port}"
    assert line["client"].startswith("127.0.0.1:") and line["client"] != line["local"]
    assert line["backend"].startswith("127.0.0.1:")
    assert line["tls_version"] == "TLSv1.3"
    assert line["tls_legacy_version"] == "TLSv1.2"
    assert line["closed_by"] == "client"
    assert isinstance(line["connect_ms"], (int, float)) and 0 <= line["connect_ms"] < 1000
    # The backend's first byte is its ServerHello, after its handshake work.
    assert isinstance(line["backend_first_byte_ms"], (int, float)) and line["backend_first_byte_ms"] >= 0
    assert line["connect_ms"] + line["backend_first_byte_ms"] <= line["duration_ms"]


def test_a_tls12_only_client_offers_tls12(app):
    dataplane = app()
    with tls12_only_connect(dataplane.port, "a.example.com") as tls:
        assert tls.version() == "TLSv1.2"
        assert ask(tls, "old") == "a.example.com: old"
    [line] = connection_lines(dataplane)
    assert line["tls_version"] == "TLSv1.2"
    assert line["tls_legacy_version"] == "TLSv1.2"
    assert line["backend_first_byte_ms"] is not None


def test_a_backend_that_closes_first_is_named_and_grease_is_not_a_version(dataplane_factory):
    hello, server_name = capture("chromium.bin")  # its supported_versions begin with GREASE

    def answer_then_close(sock):
        received = b""
        while len(received) < len(hello):  # all of it: closing with unread bytes would be a reset
            chunk = sock.recv(65536)
            if not chunk:
                return
            received += chunk
        sock.sendall(b"bye")

    backend = RecordingBackend(answer_then_close)
    try:
        dataplane = dataplane_factory(routes=snapshot(1, [route(server_name, backend.port)]))
        with socket.create_connection(("127.0.0.1", dataplane.port), timeout=10) as client:
            client.sendall(hello)
            assert read_until_closed(client) == b"bye"
        [line] = connection_lines(dataplane)
    finally:
        backend.close()
    assert line["outcome"] == "ok"
    assert line["closed_by"] == "backend"
    assert line["tls_version"] == "TLSv1.3"
    assert line["bytes_to_client"] == 3
    assert line["backend_first_byte_ms"] is not None and line["connect_ms"] is not None


def test_a_refused_client_has_versions_but_no_backend_times(app):
    dataplane = app()
    refused_by_name(dataplane.port)
    [line] = connection_lines(dataplane)
    assert line["outcome"] == "no_route"
    assert line["closed_by"] == "dataplane"
    assert line["local"] == f"127.0.0.1:{dataplane.port}"
    assert line["tls_version"] == "TLSv1.3"
    assert line["backend"] is None
    assert line["connect_ms"] is None
    assert line["backend_first_byte_ms"] is None


def test_a_client_that_is_not_tls_has_no_version(app):
    dataplane = app()
    with socket.create_connection(("127.0.0.1", dataplane.port), timeout=5) as raw:
        raw.sendall(b"GET / HTTP/1.1\r\nHost: a.example.com\r\n\r\n")
        assert raw.recv(100) == b""
    [line] = connection_lines(dataplane)
    assert line["outcome"] == "client_hello_error"
    assert line["tls_version"] is None and line["tls_legacy_version"] is None
    assert line["closed_by"] == "dataplane"


def test_sample_zero_drops_good_connections_and_keeps_refused_ones(app):
    dataplane = app("--workers", "1", "--access-log-sample", "0")
    with python_connect(dataplane.port, "a.example.com") as tls:
        ask(tls, "unlogged")
    counted(dataplane, "a.example.com", "ok", 1)
    refused_by_name(dataplane.port)
    counted(dataplane, "-", "no_route", 1)
    connection_lines(dataplane)
    time.sleep(FLUSH_WAIT)
    assert [line["outcome"] for line in connection_lines(dataplane)] == ["no_route"]


def test_sample_half_logs_every_second_good_connection(app):
    dataplane = app("--workers", "1", "--access-log-sample", "0.5")
    for number in range(4):
        with python_connect(dataplane.port, "a.example.com") as tls:
            ask(tls, f"connection {number}")
    counted(dataplane, "a.example.com", "ok", 4)
    connection_lines(dataplane, 2)
    time.sleep(FLUSH_WAIT)
    assert len(connection_lines(dataplane)) == 2


def test_access_log_off_logs_no_connection(app):
    dataplane = app("--access-log", "off")
    with python_connect(dataplane.port, "a.example.com") as tls:
        ask(tls, "quiet")
    refused_by_name(dataplane.port)
    counted(dataplane, "a.example.com", "ok", 1)
    counted(dataplane, "-", "no_route", 1)
    time.sleep(FLUSH_WAIT)
    assert connection_lines(dataplane, timeout=0) == []
