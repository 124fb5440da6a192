"""Process-level behaviour: SIGTERM drain, the idle timeout, --max-connections, and running out
of file descriptors without crashing."""

import os
import resource
import signal
import socket
import time

import pytest

from dataplane_process import route, snapshot
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
        flood.append(socket.create_connection(("127.0.0.1", dataplane.port), timeout=5))
    time.sleep(1)  # while the flood holds every descriptor, even /metrics cannot be accepted
    for sock in flood:
        sock.close()
    time.sleep(2.5)  # the connections it did accept reach their ClientHello deadline
    with python_connect(dataplane.port, "a.example.com") as tls:
        assert peer_common_name(tls) == "a.example.com"
    assert dataplane.process.poll() is None
    assert dataplane.metrics()["snigate_accept_pauses_total"] > 0
