"""Process-level behaviour: SIGTERM drain, the idle timeout, --max-connections, and running out
of file descriptors without crashing."""

import os
import resource
import signal
import socket
import time

import pytest

from dataplane_process import route, snapshot
from raw_peers import RecordingBackend, capture, read_until_closed
from tls_clients import ask, peer_common_name, python_connect


@pytest.fixture
def app_backend(backend_factory):
    return backend_factory("a.example.com")


def test_sigterm_stops_accepting_and_lets_open_connections_finish(app_backend, dataplane_factory):
    dataplane = dataplane_factory(routes=snapshot(1, [route("a.example.com", app_backend.port)]),
                                  extra_args=("--drain-timeout", "20s"))
    tls = python_connect(dataplane.port, "a.example.com")
    dataplane.signal(signal.SIGTERM)
    time.sleep(0.3)
    assert dataplane.http("/readyz")[0] == 503
    with pytest.raises(OSError):
        python_connect(dataplane.port, "a.example.com", timeout=2)
    assert ask(tls, "still here") == "a.example.com: still here"
    assert dataplane.process.poll() is None
    closed = time.monotonic()
    tls.close()
    assert dataplane.process.wait(5) == 0
    assert time.monotonic() - closed < 2


def test_post_drain_stops_accepting_and_keeps_the_process_and_its_connections(app_backend, dataplane_factory):
    dataplane = dataplane_factory(routes=snapshot(1, [route("a.example.com", app_backend.port)]),
                                  extra_args=("--drain-timeout", "20s"))
    tls = python_connect(dataplane.port, "a.example.com")
    assert dataplane.http("/drain")[0] == 405, "a GET must not drain"
    assert dataplane.http("/readyz")[0] == 200
    status, body = dataplane.http("/drain", method="POST")
    assert (status, body.split(":")[0]) == (200, "draining")
    assert dataplane.http("/drain", method="POST") == (200, "already draining\n")
    assert dataplane.http("/readyz")[0] == 503
    assert dataplane.metric_reaches("snigate_draining", 1) == 1
    with pytest.raises(OSError):
        python_connect(dataplane.port, "a.example.com", timeout=2)
    assert ask(tls, "still here") == "a.example.com: still here"
    tls.close()
    time.sleep(1)
    assert dataplane.process.poll() is None, "a drained instance stays until it is told to stop"
    assert dataplane.http("/healthz")[0] == 200
    dataplane.signal(signal.SIGTERM)
    assert dataplane.process.wait(5) == 0


def test_post_drain_is_refused_from_outside_admin_drain_from(app_backend, dataplane_factory):
    dataplane = dataplane_factory(routes=snapshot(1, [route("a.example.com", app_backend.port)]),
                                  extra_args=("--admin-drain-from", "10.0.0.0/8"))
    assert dataplane.http("/drain", method="POST")[0] == 403
    assert dataplane.http("/readyz")[0] == 200
    tls = python_connect(dataplane.port, "a.example.com")
    assert ask(tls, "served") == "a.example.com: served"
    tls.close()


def test_drain_timeout_closes_what_is_left_and_exits_zero(app_backend, dataplane_factory):
    dataplane = dataplane_factory(routes=snapshot(1, [route("a.example.com", app_backend.port)]),
                                  extra_args=("--drain-timeout", "1s"))
    tls = python_connect(dataplane.port, "a.example.com")
    ask(tls, "hi")
    started = time.monotonic()
    dataplane.signal(signal.SIGTERM)
    assert dataplane.process.wait(10) == 0
    assert 0.9 < time.monotonic() - started < 4
    tls.settimeout(5)
    assert tls.recv(10) == b""
    outcomes = [r["outcome"] for r in dataplane.log_records() if r.get("msg") == "connection"]
    assert outcomes == ["drain_timeout"]


def test_idle_connections_are_closed_after_the_idle_timeout(app_backend, dataplane_factory):
    dataplane = dataplane_factory(routes=snapshot(1, [route("a.example.com", app_backend.port)]),
                                  extra_args=("--idle-timeout", "1s"))
    tls = python_connect(dataplane.port, "a.example.com")
    for _ in range(3):  # activity keeps it open past the timeout
        time.sleep(0.5)
        assert ask(tls, "ping") == "a.example.com: ping"
    tls.settimeout(5)
    started = time.monotonic()
    assert tls.recv(10) == b""
    assert time.monotonic() - started < 3
    assert dataplane.metric_reaches('snigate_connections_total{route="a.example.com",outcome="idle_timeout"}', 1) == 1


def test_connections_beyond_max_connections_are_closed_at_once_and_counted(app_backend, dataplane_factory):
    dataplane = dataplane_factory(routes=snapshot(1, [route("a.example.com", app_backend.port)]),
                                  extra_args=("--max-connections", "3"))
    held = [python_connect(dataplane.port, "a.example.com") for _ in range(3)]
    with pytest.raises((OSError, ConnectionError)):
        python_connect(dataplane.port, "a.example.com", timeout=5)
    assert dataplane.metrics()["snigate_rejected_over_capacity_total"] == 1
    held.pop().close()
    time.sleep(0.2)
    with python_connect(dataplane.port, "a.example.com") as tls:
        assert peer_common_name(tls) == "a.example.com"
    for tls in held:
        tls.close()


# UBSan checks a call's vptr by first probing that the object's memory is readable, and its probe
# writes that memory into a pipe it opens: with every descriptor taken, the pipe fails and a static
# Boost error_category in the binary's own data is reported as "invalid vptr ... memory cannot be
# printed" (about one run in five, the dataplane of 9844825 too). That is the sanitizer, not the
# dataplane, so the sanitizer build skips this test; the release build runs it every time.
@pytest.mark.skipif(os.environ.get("SNIGATE_DATAPLANE_SANITIZED") == "1",
                    reason="the sanitizer's memory probe needs a descriptor the test has taken away")
def test_running_out_of_file_descriptors_pauses_accepting_and_recovers(app_backend, dataplane_factory):
    def small_descriptor_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (48, 48))

    dataplane = dataplane_factory(routes=snapshot(1, [route("a.example.com", app_backend.port)]),
                                  extra_args=("--max-connections", "1000", "--client-hello-timeout", "2s"),
                                  preexec_fn=small_descriptor_limit)
    flood = []
    for _ in range(80):  # more than the dataplane has descriptors for; the kernel queues the rest
        sock = socket.create_connection(("127.0.0.1", dataplane.port), timeout=5)
        sock.sendall(b"\x16")  # a first byte: TCP_DEFER_ACCEPT queues only clients that have spoken
        flood.append(sock)
    time.sleep(1)  # while the flood holds every descriptor, even /metrics cannot be accepted
    for sock in flood:
        sock.close()
    time.sleep(2.5)  # the connections it did accept reach their ClientHello deadline
    with python_connect(dataplane.port, "a.example.com") as tls:
        assert peer_common_name(tls) == "a.example.com"
    assert dataplane.process.poll() is None
    assert dataplane.metrics()["snigate_accept_pauses_total"] > 0


def test_half_closed_connection_ends_after_the_half_close_timeout(dataplane_factory):
    """Issue 13, defect 12: one idle stamp for both directions let a connection whose client had
    finished sending (and whose backend never answered) live for the whole idle timeout."""
    backend = RecordingBackend(serve=lambda sock: time.sleep(10))  # reads nothing, answers nothing
    hello, sni = capture("openssl.bin")
    dataplane = dataplane_factory(routes=snapshot(1, [route(sni, backend.port)]),
                                  extra_args=("--idle-timeout", "1h", "--half-close-timeout", "1s"))
    with socket.create_connection(("127.0.0.1", dataplane.port), timeout=10) as client:
        client.sendall(hello)
        client.shutdown(socket.SHUT_WR)
        started = time.monotonic()
        assert client.recv(10) == b""
        assert 0.9 < time.monotonic() - started < 4
    assert dataplane.metrics()[f'snigate_connections_total{{route="{sni}",outcome="idle_timeout"}}'] == 1


def test_connections_queued_in_a_closing_listener_are_served_not_reset(dataplane_factory):
    """Issue 13, defect 12: at drain, clients that had completed their handshake but were still
    in a closing SO_REUSEPORT listener's accept queue were reset."""
    backend = RecordingBackend()
    hello, sni = capture("openssl.bin")
    dataplane = dataplane_factory(routes=snapshot(1, [route(sni, backend.port)]),
                                  extra_args=("--workers", "1", "--drain-timeout", "20s"))
    dataplane.signal(signal.SIGSTOP)  # the kernel keeps completing handshakes and queueing them
    clients = []
    try:
        for _ in range(200):
            client = socket.create_connection(("127.0.0.1", dataplane.port), timeout=10)
            client.sendall(hello)
            client.shutdown(socket.SHUT_WR)
            clients.append(client)
        dataplane.signal(signal.SIGTERM)
    finally:
        dataplane.signal(signal.SIGCONT)
    answers = []
    for client in clients:
        with client:
            try:
                answers.append(read_until_closed(client))
            except ConnectionResetError:
                answers.append(b"reset")
    assert answers == [f"got {len(hello)} bytes".encode()] * len(clients)


@pytest.mark.skipif(os.environ.get("SNIGATE_DATAPLANE_SANITIZED") == "1",
                    reason="measures resident memory, which the sanitizers multiply")
def test_ten_thousand_slow_clients_stay_within_the_hello_memory_budget(app_backend, dataplane_factory):
    """Issue 13, defect 3: an incomplete ClientHello could hold about 100 KiB, so 5,000 slow clients
    would exceed the chart's 512 MiB. 10,000 clients each send 12 KiB of a hello that never
    completes; the process-wide budget (16 MiB here) refuses those beyond it, resident memory stays
    bounded and a client with a whole hello is still served. (The open-file hard limit here is
    20,000: 10,000 sockets on each side.)"""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < 10_500:
        pytest.skip(f"needs 10,500 descriptors, the hard limit is {hard}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    dataplane = dataplane_factory(routes=snapshot(1, [route("a.example.com", app_backend.port)]),
                                  extra_args=("--max-connections", "12000", "--client-hello-timeout", "60s",
                                              "--client-hello-memory", str(16 << 20)))
    rss_before = resident_kib(dataplane.process.pid)
    # A 16 KiB record announcing a 64 KiB hello, then part of the record: never complete.
    partial = bytes([22, 3, 1, 0x40, 0x00, 1, 0, 0xff, 0x00]) + b"\xab" * (12 * 1024 - 9)
    slow = []
    try:
        for _ in range(10_000):
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.connect(("127.0.0.1", dataplane.port))
            sock.setblocking(False)
            try:
                sock.send(partial)
            except BlockingIOError:
                pass
            slow.append(sock)
        time.sleep(2)
        grown_kib = resident_kib(dataplane.process.pid) - rss_before
        with python_connect(dataplane.port, "a.example.com") as tls:
            assert peer_common_name(tls) == "a.example.com"
        assert grown_kib < 120 * 1024, f"resident memory grew by {grown_kib} KiB"
        errors = dataplane.metrics()['snigate_client_hello_errors_total{reason="too_large"}']
        assert errors > 5_000  # most were refused: 16 MiB holds a few hundred partial hellos
    finally:
        for sock in slow:
            sock.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def resident_kib(pid: int) -> int:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")
