"""Backend selection and the bytes a backend sees: failover on refused or timed-out connects,
PROXY protocol headers, weighted balance, and half-close in both directions."""

import socket
import struct
import time

import pytest

from dataplane_process import free_port, route, snapshot
from raw_peers import RecordingBackend, capture, read_until_closed
from tls_clients import peer_common_name, python_connect


def test_refused_backend_fails_over_to_the_next(backend_factory, dataplane_factory):
    live = backend_factory("live.example.com")
    dead_port = free_port()  # nothing listens there: connect is refused
    dataplane = dataplane_factory(routes=snapshot(1, [route("app.example.com", dead_port, live.port)]))
    for _ in range(4):  # the balancer starts on each backend in turn: every attempt must land
        with python_connect(dataplane.port, "app.example.com") as tls:
            assert peer_common_name(tls) == "live.example.com"
    assert dataplane.metrics()['snigate_backend_connect_failures_total{route="app.example.com"}'] >= 1


def test_backend_that_never_answers_times_out_and_fails_over(backend_factory, dataplane_factory):
    live = backend_factory("live.example.com")
    # A listener whose accept queue is full drops new SYNs: a connect to it hangs, as to a dead host.
    blackhole = socket.socket()
    blackhole.bind(("127.0.0.1", 0))
    blackhole.listen(0)
    filler = socket.create_connection(blackhole.getsockname(), timeout=2)
    try:
        dataplane = dataplane_factory(
            routes=snapshot(1, [route("app.example.com", blackhole.getsockname()[1], live.port)]),
            extra_args=("--connect-timeout", "300ms", "--workers", "1"))
        for _ in range(2):
            started = time.monotonic()
            with python_connect(dataplane.port, "app.example.com") as tls:
                assert peer_common_name(tls) == "live.example.com"
            assert time.monotonic() - started < 3
        assert dataplane.metrics()['snigate_backend_connect_failures_total{route="app.example.com"}'] == 1
    finally:
        filler.close()
        blackhole.close()


def test_all_backends_down_gets_an_internal_error_alert(dataplane_factory):
    dataplane = dataplane_factory(routes=snapshot(1, [route("app.example.com", free_port(), free_port())]))
    with pytest.raises(Exception, match="INTERNAL_ERROR|internal error"):
        python_connect(dataplane.port, "app.example.com")
    assert dataplane.metric_reaches('snigate_connections_total{route="app.example.com",outcome="connect_failed"}', 1) == 1


def test_weighted_backends_share_connections_in_proportion(dataplane_factory):
    heavy, light = RecordingBackend(), RecordingBackend()
    hello, sni = capture("openssl.bin")
    entry = route(sni, heavy.port, light.port)
    entry["backends"][0]["weight"] = 3
    dataplane = dataplane_factory(routes=snapshot(1, [entry]), extra_args=("--workers", "1"))
    for _ in range(40):
        send_whole_hello(dataplane.port, hello)
    heavy.wait_for_connections(30)
    light.wait_for_connections(10)
    assert (len(heavy.received), len(light.received)) == (30, 10)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_reload_before_every_connection_still_goes_round_the_backends(backend_factory, dataplane_factory, workers):
    backends = [backend_factory(f"b{i}.example.com") for i in range(3)]
    ports = [backend.port for backend in backends]
    other = backend_factory("other.example.com")
    dataplane = dataplane_factory(control_socket=True, extra_args=("--workers", str(workers)))
    reached = []
    for generation in range(1, 10):
        # The app's route stays as it was; another route and the generation change every time.
        routes = [route("app.example.com", *ports), route(f"other{generation}.example.com", other.port)]
        assert dataplane.control(snapshot(generation, routes))["ok"]
        assert dataplane.control(snapshot(generation, routes))["ok"], "the same snapshot again"
        with python_connect(dataplane.port, "app.example.com") as tls:
            reached.append(peer_common_name(tls))
    counts = sorted(reached.count(backend.name) for backend in backends)
    if workers == 1:
        assert counts == [3, 3, 3], reached
    else:  # each worker goes round on its own; the kernel picks the worker
        assert counts[0] >= 1 and counts[-1] <= 5, reached
    assert dataplane.metrics()["snigate_snapshots_unchanged_total"] == 9

    # A route that changes before every connection gets a new balancer each time, which starts at a
    # random backend: all nine on one backend would take odds of 1 in 6,561.
    reached = []
    for generation in range(10, 19):
        changed = route("app.example.com", *ports)
        for backend in changed["backends"]:
            backend["weight"] = generation
        assert dataplane.control(snapshot(generation, [changed]))["ok"]
        with python_connect(dataplane.port, "app.example.com") as tls:
            reached.append(peer_common_name(tls))
    assert len(set(reached)) >= 2, reached


def send_whole_hello(port: int, hello: bytes) -> int:
    """Sends the hello, ends the stream, reads to the end; returns the client's port."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        client.sendall(hello)
        client.shutdown(socket.SHUT_WR)
        read_until_closed(client)
        return client.getsockname()[1]


def test_proxy_protocol_v1_header_precedes_the_hello(dataplane_factory):
    backend = RecordingBackend()
    hello, sni = capture("openssl.bin")
    dataplane = dataplane_factory(routes=snapshot(1, [route(sni, backend.port, proxy_protocol="v1")]))
    client_port = send_whole_hello(dataplane.port, hello)
    backend.wait_for_connections(1)
    expected = f"PROXY TCP4 127.0.0.1 127.0.0.1 {client_port} {dataplane.port}\r\n".encode()
    assert backend.received[0] == expected + hello


def test_proxy_protocol_v2_header_carries_addresses_and_sni(dataplane_factory):
    backend = RecordingBackend()
    hello, sni = capture("curl.bin")
    dataplane = dataplane_factory(routes=snapshot(1, [route(sni, backend.port, proxy_protocol="v2")]))
    client_port = send_whole_hello(dataplane.port, hello)
    backend.wait_for_connections(1)
    data = backend.received[0]
    assert data[:12] == b"\r\n\r\n\x00\r\nQUIT\n"
    assert data[12:14] == b"\x21\x11"  # v2 PROXY, TCP over IPv4
    length = struct.unpack(">H", data[14:16])[0]
    body = data[16:16 + length]
    assert body[:12] == socket.inet_aton("127.0.0.1") * 2 + struct.pack(">HH", client_port, dataplane.port)
    assert body[12:] == b"\x02" + struct.pack(">H", len(sni)) + sni.encode()
    assert data[16 + length:] == hello


def test_half_close_lets_the_other_direction_finish(dataplane_factory):
    backend = RecordingBackend()  # reads to end of stream, then answers and closes
    hello, sni = capture("python.bin")
    dataplane = dataplane_factory(routes=snapshot(1, [route(sni, backend.port)]))
    payload = b"x" * 3_000_000
    with socket.create_connection(("127.0.0.1", dataplane.port), timeout=20) as client:
        client.sendall(hello + payload)
        client.shutdown(socket.SHUT_WR)  # our end of stream reaches the backend...
        answer = read_until_closed(client)  # ...whose answer still reaches us
    assert answer == f"got {len(hello) + len(payload)} bytes".encode()
    assert dataplane.metric_reaches(f'snigate_connections_total{{route="{sni}",outcome="ok"}}', 1) == 1
    metrics = dataplane.metrics()
    assert metrics[f'snigate_bytes_total{{route="{sni}",direction="from_client"}}'] == len(hello) + len(payload)


def test_backend_half_close_reaches_the_client_while_it_keeps_sending(dataplane_factory):
    def greet_then_read(sock):
        sock.sendall(b"hello from backend")
        sock.shutdown(socket.SHUT_WR)
        total = 0
        while chunk := sock.recv(65536):
            total += len(chunk)
        received.append(total)

    received = []
    backend = RecordingBackend(serve=greet_then_read)
    hello, sni = capture("openssl.bin")
    dataplane = dataplane_factory(routes=snapshot(1, [route(sni, backend.port)]))
    with socket.create_connection(("127.0.0.1", dataplane.port), timeout=20) as client:
        client.sendall(hello)
        assert read_until_closed(client) == b"hello from backend"  # end of stream from the backend
        client.sendall(b"y" * 100_000)  # our direction still flows
        client.shutdown(socket.SHUT_WR)
        deadline = time.monotonic() + 10
        while not received and time.monotonic() < deadline:
            time.sleep(0.02)
    assert received == [len(hello) + 100_000]


def test_fifty_thousand_backends_failing_at_once_are_an_alert_not_a_crash(dataplane_factory, backend_factory):
    """Issue 13, defect 1: one stack frame per backend whose connect failed at once ended the
    process with SIGSEGV. 127.255.255.255 is the loopback net's broadcast address: connect(2)
    refuses it without sending anything."""
    live = backend_factory("live.example.com")
    doomed = route("app.example.com", *([443] * 50_000), address="127.255.255.255")
    dataplane = dataplane_factory(routes=snapshot(1, [doomed, route("live.example.com", live.port)]),
                                  extra_args=("--workers", "1"))
    with pytest.raises(Exception, match="INTERNAL_ERROR|internal error"):
        python_connect(dataplane.port, "app.example.com")
    assert dataplane.process.poll() is None
    with python_connect(dataplane.port, "live.example.com") as tls:
        assert peer_common_name(tls) == "live.example.com"
    metrics = dataplane.metrics()
    assert metrics['snigate_connections_total{route="app.example.com",outcome="connect_failed"}'] == 1
    assert metrics['snigate_backend_connect_failures_total{route="app.example.com"}'] == 4  # the attempt cap
