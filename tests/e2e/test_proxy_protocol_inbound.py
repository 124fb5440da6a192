"""Behind a load balancer that sends a PROXY protocol header first (--proxy-protocol-listen): the
client the header names is the one that source ranges, logs and backends see; a source outside
--proxy-protocol-from, a missing header and a broken one are refused and counted."""

import socket
import ssl
import struct

import pytest

from dataplane_process import free_port, route, snapshot
from raw_peers import RecordingBackend, capture, read_until_closed
from tls_clients import ask, peer_common_name

BALANCER = "127.0.0.2"  # the only source trusted to send headers


def nlb_v2_header(client: str, client_port: int, destination: str, destination_port: int) -> bytes:
    """What an AWS NLB sends with proxy protocol v2 on: PROXY over IPv4, then its PP2_TYPE_AWS TLV
    (0xEA) holding the VPC endpoint ID (subtype 0x01)."""
    endpoint_id = b"\x01vpce-08d2bf15fac5001c9"
    block = (socket.inet_aton(client) + socket.inet_aton(destination) + struct.pack(">HH", client_port, destination_port)
             + b"\xea" + struct.pack(">H", len(endpoint_id)) + endpoint_id)
    return b"\r\n\r\n\x00\r\nQUIT\n\x21\x11" + struct.pack(">H", len(block)) + block


def through_balancer(port: int, header: bytes, server_name: str, source: str = BALANCER) -> ssl.SSLSocket:
    raw = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source, 0))
    try:
        raw.sendall(header)
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context.wrap_socket(raw, server_hostname=server_name)
    except BaseException:
        raw.close()
        raise


@pytest.fixture
def balanced(backend_factory, dataplane_factory):
    app = backend_factory("app.example.com")
    recorder = RecordingBackend()
    hello, sni = capture("openssl.bin")
    port = free_port()
    dataplane = dataplane_factory(
        routes=snapshot(1, [route("app.example.com", app.port, allow_source_ranges=["192.0.2.0/24"]),
                            route(sni, recorder.port, proxy_protocol="v1")]),
        extra_args=("--proxy-protocol-listen", f"127.0.0.1:{port}", "--proxy-protocol-from", f"{BALANCER}/32"))
    yield dataplane, port, recorder, hello
    recorder.close()


def test_the_client_an_nlb_header_names_is_the_one_source_ranges_see(balanced):
    dataplane, port, _, _ = balanced
    with through_balancer(port, nlb_v2_header("192.0.2.7", 56324, "10.0.1.5", 443), "app.example.com") as tls:
        assert peer_common_name(tls) == "app.example.com"
        assert ask(tls, "hello") == "app.example.com: hello"
    with pytest.raises(ssl.SSLError, match="ACCESS_DENIED"):
        through_balancer(port, nlb_v2_header("198.51.100.1", 56324, "10.0.1.5", 443), "app.example.com")
    assert dataplane.metric_reaches('snigate_connections_total{route="app.example.com",outcome="source_denied"}', 1) == 1


def test_a_backend_is_told_the_client_the_header_named(balanced):
    _, port, recorder, hello = balanced
    with socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(BALANCER, 0)) as client:
        client.sendall(b"PROXY TCP4 203.0.113.9 10.0.1.5 40000 443\r\n" + hello)
        client.shutdown(socket.SHUT_WR)
        read_until_closed(client)
    recorder.wait_for_connections(1)
    assert recorder.received[0] == f"PROXY TCP4 203.0.113.9 127.0.0.1 40000 {port}\r\n".encode() + hello


def test_untrusted_sources_and_missing_or_broken_headers_are_refused(balanced):
    dataplane, port, _, _ = balanced
    header = nlb_v2_header("192.0.2.7", 56324, "10.0.1.5", 443)
    with pytest.raises(OSError):  # anyone could claim to be 192.0.2.7: not from 127.0.0.3
        through_balancer(port, header, "app.example.com", source="127.0.0.3")
    with pytest.raises(OSError):  # TLS straight away, no header
        through_balancer(port, b"", "app.example.com")
    with pytest.raises(OSError):
        through_balancer(port, b"PROXY TCP9 192.0.2.7 10.0.1.5 56324 443\r\n", "app.example.com")
    assert dataplane.metric_reaches('snigate_connections_total{route="-",outcome="proxy_header_error"}', 3) == 3
    # The listener without PROXY protocol beside it is unaffected: its clients are who they are.
    with pytest.raises(ssl.SSLError, match="ACCESS_DENIED"):
        through_balancer(dataplane.port, b"", "app.example.com")
