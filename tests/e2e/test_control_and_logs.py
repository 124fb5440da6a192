"""The control thread and the log output under pressure: a log reader that never reads, a peer
that announces 64 MiB and sends nothing, a big snapshot while the liveness probe asks; and what
the admin port tells an operator about the routes in force."""

import json
import os
import socket
import ssl
import struct
import threading
import time

import pytest

from dataplane_process import exchange, route, snapshot
from tls_clients import ask, python_connect


def test_a_log_reader_that_never_reads_does_not_stall_traffic(dataplane_factory):
    # Workers wrote their log lines with a blocking write: once the stdout pipe was full (about
    # 250 connection lines), every worker stopped and no connection was served or closed.
    dataplane = dataplane_factory(routes=snapshot(1, []), control_socket=False, stdout_unread=True)
    started = time.monotonic()
    for i in range(6000):  # about 1.5 MB of log lines: more than the pipe and the log queue hold
        with socket.create_connection(("127.0.0.1", dataplane.port), timeout=5) as client:
            client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            assert client.recv(100) == b"", f"connection {i} was not closed"
        assert time.monotonic() - started < 120
    metrics = dataplane.metrics()
    assert metrics['snigate_client_hello_errors_total{reason="http_request"}'] == 6000
    assert metrics["snigate_log_lines_dropped_total"] > 0


def test_a_length_prefix_of_64_mib_allocates_nothing_until_the_bytes_come(dataplane_factory):
    dataplane = dataplane_factory(control_socket=True)
    assert dataplane.control(snapshot(1, []))["ok"]
    before = dataplane.rss_bytes()
    peers = []
    for _ in range(4):
        peer = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        peer.connect(str(dataplane.socket_path))
        peer.sendall(struct.pack(">I", 64 * 1024 * 1024) + b'{"version": 1')
        peers.append(peer)
    time.sleep(0.5)
    grown = dataplane.rss_bytes() - before
    for peer in peers:
        peer.close()
    assert grown < 16 * 1024 * 1024, f"RSS grew by {grown} bytes for four announced 64 MiB bodies"


def test_healthz_answers_while_a_big_snapshot_is_applied(dataplane_factory):
    dataplane = dataplane_factory(control_socket=True)
    count = 30_000 if os.environ.get("SNIGATE_DATAPLANE_SANITIZED") == "1" else 150_000  # ASan: 5 times slower
    routes = [route(f"host{i}.example.com", 8000 + i % 1000, address=f"10.{i // 65536}.{i // 256 % 256}.{i % 256}")
              for i in range(count)]
    payload = json.dumps(snapshot(1, routes)).encode()
    answer = {}

    def push():
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as control:
            control.settimeout(120)
            control.connect(str(dataplane.socket_path))
            answer.update(exchange(control, payload))

    pusher = threading.Thread(target=push)
    pusher.start()
    slowest = 0.0
    while pusher.is_alive():
        asked = time.monotonic()
        assert dataplane.http("/healthz")[0] == 200
        slowest = max(slowest, time.monotonic() - asked)
        time.sleep(0.01)
    pusher.join()
    assert answer == {"generation": 1, "ok": True}
    apply_seconds = dataplane.metrics()["snigate_snapshot_apply_seconds"]
    assert slowest < 0.5, f"/healthz took {slowest:.3f} s while a snapshot was applied ({apply_seconds:.3f} s)"


def test_control_connections_are_limited_in_number(dataplane_factory):
    dataplane = dataplane_factory(control_socket=True)
    idle = []
    for _ in range(16):
        peer = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        peer.connect(str(dataplane.socket_path))
        idle.append(peer)
    time.sleep(0.2)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as extra:
        extra.settimeout(5)
        extra.connect(str(dataplane.socket_path))
        length = struct.unpack(">I", extra.recv(4))[0]
        assert json.loads(extra.recv(length)) == {"ok": False, "error": "too many control connections (at most 16)"}
    idle.pop().close()
    time.sleep(0.2)
    assert dataplane.control(snapshot(1, []))["ok"], "a place freed is a place for the controller"
    for peer in idle:
        peer.close()


def test_get_routes_shows_the_table_in_force_with_each_routes_connections(backend_factory, dataplane_factory):
    a = backend_factory("a.example.com")
    dataplane = dataplane_factory(routes=snapshot(7, [route("a.example.com", a.port),
                                                      route("b.example.com", allow_source_ranges=["10.0.0.0/8"])]))
    status, body = dataplane.http("/routes")
    assert status == 200
    assert json.loads(body)["generation"] == 7
    with python_connect(dataplane.port, "a.example.com") as tls:
        assert ask(tls, "hello") == "a.example.com: hello"
    with pytest.raises(ssl.SSLError):
        python_connect(dataplane.port, "b.example.com")
    assert dataplane.metric_reaches('snigate_connections_total{route="b.example.com",outcome="source_denied"}', 1) == 1
    for _ in range(100):  # a connection is counted as it ends, a moment after its client closed
        document = json.loads(dataplane.http("/routes")[1])
        routes = {entry["hostname"]: entry for entry in document["routes"]}
        if routes["a.example.com"]["connections"]:
            break
        time.sleep(0.05)
    assert routes["a.example.com"]["backends"] == [{"address": "127.0.0.1", "port": a.port, "weight": 1}]
    assert sum(routes["a.example.com"]["connections"].values()) == 1
    assert routes["a.example.com"]["bytes_to_client"] > 0
    assert routes["b.example.com"]["allow_source_ranges"] == ["10.0.0.0/8"]
    assert routes["b.example.com"]["connections"] == {"source_denied": 1}
