"""The dataplane reads the ClientHello however it arrives (one byte per segment, several records,
16 KiB+), replays it byte for byte, and holds slow clients to a deadline without slowing others."""

import socket
import time

import pytest

from dataplane_process import route, snapshot
from raw_peers import RecordingBackend, capture, read_until_closed, send_in_pieces
from tls_clients import peer_common_name, python_connect


@pytest.fixture
def recorder():
    backend = RecordingBackend()
    yield backend
    backend.close()


@pytest.mark.parametrize("name,piece", [
    ("openssl.bin", 1),
    ("chromium.bin", 1),
    ("go-mlkem.bin", 700),
    ("go-large.bin", 4096),
    ("go-large.bin", 1),
])
def test_hello_in_pieces_is_routed_and_replayed_byte_for_byte(recorder, dataplane_factory, name, piece):
    hello, sni = capture(name)
    dataplane = dataplane_factory(routes=snapshot(1, [route(sni, recorder.port)]), control_socket=False)
    with socket.create_connection(("127.0.0.1", dataplane.port), timeout=20) as client:
        send_in_pieces(client, hello + b"after the hello", piece)
        client.shutdown(socket.SHUT_WR)
        assert read_until_closed(client) == f"got {len(hello) + 15} bytes".encode()
    assert recorder.received == [hello + b"after the hello"]


def test_500_idle_connections_do_not_delay_a_new_client_and_are_closed_at_the_deadline(
        backend_factory, dataplane_factory):
    a = backend_factory("a.example.com")
    dataplane = dataplane_factory(routes=snapshot(1, [route("a.example.com", a.port)]),
                                  extra_args=("--client-hello-timeout", "3s"))
    idle = [socket.create_connection(("127.0.0.1", dataplane.port), timeout=10) for _ in range(500)]
    opened = time.monotonic()

    started = time.monotonic()
    with python_connect(dataplane.port, "a.example.com") as tls:
        assert peer_common_name(tls) == "a.example.com"
    assert time.monotonic() - started < 1.0

    for sock in idle:
        sock.settimeout(max(0.1, opened + 8 - time.monotonic()))
        assert sock.recv(1) == b""  # closed by the dataplane, nothing written first
        sock.close()
    closed_after = time.monotonic() - opened
    assert 2.5 < closed_after < 8
    assert dataplane.metrics()['snigate_client_hello_errors_total{reason="timeout"}'] == 500


def test_partial_hello_is_also_held_to_the_deadline(recorder, dataplane_factory):
    hello, sni = capture("openssl.bin")
    dataplane = dataplane_factory(routes=snapshot(1, [route(sni, recorder.port)]),
                                  extra_args=("--client-hello-timeout", "1s"))
    with socket.create_connection(("127.0.0.1", dataplane.port), timeout=10) as client:
        client.sendall(hello[:100])
        started = time.monotonic()
        assert client.recv(1) == b""
        assert 0.5 < time.monotonic() - started < 5
    assert recorder.received == []
