"""Real clients reach the backend their SNI names, through the dataplane, and are told clearly
when no backend serves their name."""

import socket
import ssl
import subprocess

import pytest

from dataplane_process import free_port, route, snapshot
from tls_backend import make_certificate
from tls_clients import ask, curl_body, go_client, openssl_subject, peer_common_name, python_connect


@pytest.fixture
def two_names(backend_factory, dataplane_factory):
    a = backend_factory("a.example.com")
    b = backend_factory("b.example.com")
    wild = backend_factory("wild.example.org")
    deep = backend_factory("deep.example.net")
    dataplane = dataplane_factory(routes=snapshot(1, [
        route("a.example.com", a.port),
        route("b.example.com", b.port),
        route("*.example.org", wild.port),
        route("*.example.net", deep.port, wildcard="suffix"),
    ]), listen_hosts=("127.0.0.1", "::1"))
    return dataplane


def test_openssl_s_client_sees_the_certificate_of_the_named_backend(two_names):
    for name in ("a.example.com", "b.example.com"):
        subject, output = openssl_subject(two_names.port, name)
        assert subject == name, output


def test_curl_gets_the_named_backend_over_http(openssl_www_backends, dataplane_factory, cert_dir):
    ports = openssl_www_backends
    dataplane = dataplane_factory(routes=snapshot(1, [route(name, port) for name, port in ports.items()]))
    for name in ports:
        cert, _ = make_certificate(cert_dir, name)
        # curl trusts only this name's certificate, so a wrong backend fails verification; the
        # status page of s_server also names the certificate file it serves.
        body = curl_body(dataplane.port, name, cert)
        assert f"{name}.crt" in body, body


def test_python_client_sees_the_named_backend_and_alpn_passes_through(two_names):
    with python_connect(two_names.port, "b.example.com", alpn=["h2", "http/1.1"]) as tls:
        assert peer_common_name(tls) == "b.example.com"
        assert tls.selected_alpn_protocol() == "h2"
        assert ask(tls, "hello") == "b.example.com: hello"


def test_go_client_with_post_quantum_key_share_reaches_the_named_backend(two_names, tmp_path):
    client = go_client(tmp_path)
    result = subprocess.run([str(client), "-connect", f"127.0.0.1:{two_names.port}", "-servername", "a.example.com"],
                            capture_output=True, timeout=30)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().split()[0] == "a.example.com"


def test_ipv6_listener_routes_the_same_way(two_names):
    with python_connect(two_names.port, "a.example.com", host="::1") as tls:
        assert peer_common_name(tls) == "a.example.com"


def test_names_match_case_insensitively_and_ignore_a_trailing_dot(two_names):
    with python_connect(two_names.port, "A.Example.COM") as tls:
        assert peer_common_name(tls) == "a.example.com"
    subject, output = openssl_subject(two_names.port, "b.example.com.")
    assert subject == "b.example.com", output


def test_single_label_wildcard_matches_one_label_only(two_names):
    with python_connect(two_names.port, "x.example.org") as tls:
        assert peer_common_name(tls) == "wild.example.org"
    with pytest.raises(ssl.SSLError, match="UNRECOGNIZED_NAME"):
        python_connect(two_names.port, "x.y.example.org")


def test_suffix_wildcard_matches_any_depth(two_names):
    with python_connect(two_names.port, "x.y.z.example.net") as tls:
        assert peer_common_name(tls) == "deep.example.net"


def test_unknown_name_gets_unrecognized_name_alert_and_is_counted(two_names):
    _, output = openssl_subject(two_names.port, "nobody.example.com")
    assert "unrecognized name" in output, output
    with pytest.raises(ssl.SSLError, match="UNRECOGNIZED_NAME"):
        python_connect(two_names.port, "nobody.example.com")
    assert two_names.metric_reaches('snigate_connections_total{route="-",outcome="no_route"}', 2) == 2


def test_a_route_without_backends_refuses_its_clients_instead_of_falling_through(backend_factory, dataplane_factory):
    wild = backend_factory("wild.example.com")
    fallback = backend_factory("default.example.com")
    dataplane = dataplane_factory(routes=snapshot(1, [route("*.example.com", wild.port), route("down.example.com")],
                                                  default_ports=(fallback.port,)))
    with pytest.raises(ssl.SSLError, match="INTERNAL_ERROR"):
        python_connect(dataplane.port, "down.example.com")
    with python_connect(dataplane.port, "up.example.com") as tls:
        assert peer_common_name(tls) == "wild.example.com"
    assert dataplane.metric_reaches('snigate_connections_total{route="down.example.com",outcome="no_backend"}', 1) == 1


def test_a_route_refusing_by_close_sends_no_alert(backend_factory, dataplane_factory):
    """refusal "close" (the controller's choice for TLSRoutes): the Gateway API conformance suite
    counts a rejection only as a reset or an end of stream, never as an alert."""
    dataplane = dataplane_factory(routes=snapshot(1, [route("gone.example.com", refusal="close"),
                                                      route("down.example.com")]))
    with pytest.raises((ssl.SSLEOFError, ConnectionResetError)):
        python_connect(dataplane.port, "gone.example.com")
    with pytest.raises(ssl.SSLError, match="INTERNAL_ERROR"):
        python_connect(dataplane.port, "down.example.com")
    # Nothing but the end of the stream reaches a raw client either: not one alert byte.
    with socket.create_connection(("127.0.0.1", dataplane.port), timeout=5) as raw:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        hello = context.wrap_bio(incoming, outgoing, server_hostname="gone.example.com")
        with pytest.raises(ssl.SSLWantReadError):
            hello.do_handshake()
        raw.sendall(outgoing.read())
        assert raw.recv(64) == b""
    assert dataplane.metric_reaches('snigate_connections_total{route="gone.example.com",outcome="no_backend"}', 2) == 2


def test_a_routes_refused_weight_refuses_its_share_and_serves_the_rest(backend_factory, dataplane_factory):
    """The Gateway API's invalid backendRef: of every 3 connections (backend weight 2, refused 1),
    one is refused, never sent to the backend or anywhere else."""
    web = backend_factory("web.example.com")
    weighted = route("web.example.com", web.port, refusal="close", refused_weight=1)
    weighted["backends"][0]["weight"] = 2
    dataplane = dataplane_factory(routes=snapshot(1, [weighted]))
    served = refused = 0
    for _ in range(30):
        try:
            with python_connect(dataplane.port, "web.example.com") as tls:
                assert peer_common_name(tls) == "web.example.com"
                served += 1
        except (ssl.SSLEOFError, ConnectionResetError):
            refused += 1
    # Each of the 2 workers keeps its own exact 2:1 sequence from its own starting place, and the
    # kernel spreads connections between them: a third refused, give or take one per worker.
    assert served + refused == 30 and 8 <= refused <= 12, (served, refused)
    assert dataplane.metric_reaches('snigate_connections_total{route="web.example.com",outcome="no_backend"}',
                                    refused) == refused


def test_a_route_with_source_ranges_serves_clients_inside_them_and_denies_the_rest(backend_factory, dataplane_factory):
    office = backend_factory("office.example.com")
    wild = backend_factory("wild.example.com")
    dataplane = dataplane_factory(routes=snapshot(1, [
        route("office.example.com", office.port, allow_source_ranges=["127.0.0.2/32", "2001:db8::/32"]),
        route("*.example.com", wild.port)]))
    with python_connect(dataplane.port, "office.example.com", source="127.0.0.2") as tls:
        assert peer_common_name(tls) == "office.example.com"
        assert ask(tls, "hello") == "office.example.com: hello"
    # Denied, and never handed to the wildcard that would otherwise match the name.
    with pytest.raises(ssl.SSLError, match="ACCESS_DENIED"):
        python_connect(dataplane.port, "office.example.com", source="127.0.0.3")
    _, output = openssl_subject(dataplane.port, "office.example.com")
    assert "access denied" in output, output
    with python_connect(dataplane.port, "other.example.com", source="127.0.0.3") as tls:
        assert peer_common_name(tls) == "wild.example.com"
    assert dataplane.metric_reaches(
        'snigate_connections_total{route="office.example.com",outcome="source_denied"}', 2) == 2


def test_acme_tls_alpn_clients_reach_the_solver_and_everyone_else_the_application(backend_factory, dataplane_factory):
    app = backend_factory("shop.example.com")
    solver = backend_factory("acme-solver.example.com")
    dataplane = dataplane_factory(routes=snapshot(1, [
        route("shop.example.com", app.port, allow_source_ranges=["127.0.0.2/32"],
              alpn_routes={("acme-tls/1",): solver.port})]))
    # An ACME server's validation offers acme-tls/1 alone (RFC 8737), from wherever it is.
    with python_connect(dataplane.port, "shop.example.com", alpn=["acme-tls/1"], source="127.0.0.3") as tls:
        assert peer_common_name(tls) == "acme-solver.example.com"
    result = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{dataplane.port}",
                             "-servername", "shop.example.com", "-alpn", "acme-tls/1"],
                            input=b"", capture_output=True, timeout=20)
    assert "CN = acme-solver.example.com" in result.stdout.decode(errors="replace")
    with python_connect(dataplane.port, "shop.example.com", alpn=["h2", "http/1.1"], source="127.0.0.2") as tls:
        assert peer_common_name(tls) == "shop.example.com"
    # The application's source ranges still hold for everything that is not the solver's.
    with pytest.raises(ssl.SSLError, match="ACCESS_DENIED"):
        python_connect(dataplane.port, "shop.example.com", alpn=["h2"], source="127.0.0.3")


def test_a_route_at_its_max_connections_refuses_the_next_client_until_one_ends(backend_factory, dataplane_factory):
    a = backend_factory("a.example.com")
    dataplane = dataplane_factory(routes=snapshot(1, [route("a.example.com", a.port, max_connections=2)]))
    first = python_connect(dataplane.port, "a.example.com")
    second = python_connect(dataplane.port, "a.example.com")
    assert ask(first, "one") == "a.example.com: one" and ask(second, "two") == "a.example.com: two"
    assert dataplane.metric_reaches('snigate_route_connections_open{route="a.example.com"}', 2) == 2
    with pytest.raises(ssl.SSLError, match="INTERNAL_ERROR"):
        python_connect(dataplane.port, "a.example.com")
    assert dataplane.metric_reaches('snigate_connections_total{route="a.example.com",outcome="route_full"}', 1) == 1
    first.close()
    assert dataplane.metric_reaches('snigate_route_connections_open{route="a.example.com"}', 1) == 1
    with python_connect(dataplane.port, "a.example.com") as third:
        assert ask(third, "three") == "a.example.com: three"
    second.close()


def test_a_client_over_its_source_connection_rate_is_refused_and_others_are_not(backend_factory, dataplane_factory):
    a = backend_factory("a.example.com")
    spare = backend_factory("a.example.com")
    # One connection a minute after a burst of two: the test never waits for the allowance to refill.
    limited = route("a.example.com", a.port, source_connection_rate={"connections": 1, "period_ms": 60000, "burst": 2})
    dataplane = dataplane_factory(routes=snapshot(1, [limited, route("b.example.com", spare.port)]))
    for _ in range(2):
        with python_connect(dataplane.port, "a.example.com", source="127.0.0.2") as tls:
            assert ask(tls, "hi") == "a.example.com: hi"
    with pytest.raises(ssl.SSLError, match="INTERNAL_ERROR"):
        python_connect(dataplane.port, "a.example.com", source="127.0.0.2")
    with python_connect(dataplane.port, "a.example.com", source="127.0.0.3") as tls:
        assert ask(tls, "other") == "a.example.com: other", "another address has its own allowance"
    with python_connect(dataplane.port, "b.example.com", source="127.0.0.2") as tls:
        assert ask(tls, "b") == "a.example.com: b", "other routes are not limited"
    assert dataplane.metric_reaches(
        'snigate_connections_total{route="a.example.com",outcome="source_rate_limited"}', 1) == 1
    # New backends for the route keep what each client has spent: endpoint churn is no way around it.
    limited["backends"].append({"address": "127.0.0.1", "port": spare.port, "weight": 1})
    assert dataplane.control(snapshot(2, [limited, route("b.example.com", spare.port)]))["ok"]
    with pytest.raises(ssl.SSLError, match="INTERNAL_ERROR"):
        python_connect(dataplane.port, "a.example.com", source="127.0.0.2")
    assert dataplane.metric_reaches(
        'snigate_connections_total{route="a.example.com",outcome="source_rate_limited"}', 2) == 2


def test_a_backend_refusing_connects_in_a_row_is_ejected_and_the_others_serve(backend_factory, dataplane_factory):
    live = backend_factory("a.example.com")
    dead_port = free_port()  # nothing listens: every connect is refused
    dataplane = dataplane_factory(
        routes=snapshot(1, [route("a.example.com", dead_port, live.port)]),
        extra_args=("--outlier-failures", "2", "--outlier-ejection", "1m", "--workers", "1"))
    for i in range(6):
        with python_connect(dataplane.port, "a.example.com") as tls:
            assert ask(tls, str(i)) == f"a.example.com: {i}"
    # Round robin starts every other connection at the dead backend: two failures, then it is out.
    assert dataplane.metric_reaches('snigate_backend_connect_failures_total{route="a.example.com"}', 2) == 2
    assert dataplane.metric_reaches(f'snigate_backend_ejected{{backend="127.0.0.1:{dead_port}"}}', 1) == 1
    assert dataplane.metric_reaches("snigate_backends_ejected", 1) == 1
    assert dataplane.metric_reaches("snigate_backend_ejections_total", 1) == 1
    assert f'backend="127.0.0.1:{live.port}"' not in dataplane.http("/metrics")[1], "healthy backends are not listed"
    assert dataplane.metric_reaches('snigate_connections_total{route="a.example.com",outcome="ok"}', 6) == 6
    assert dataplane.metrics()['snigate_backend_connect_failures_total{route="a.example.com"}'] == 2, \
        "the ejected backend is not tried again"


def test_a_routes_idle_timeout_closes_its_idle_connections_and_no_others(backend_factory, dataplane_factory):
    a = backend_factory("a.example.com")
    b = backend_factory("b.example.com")
    dataplane = dataplane_factory(routes=snapshot(1, [route("a.example.com", a.port, idle_timeout_ms=300),
                                                      route("b.example.com", b.port)]))
    quick = python_connect(dataplane.port, "a.example.com")
    patient = python_connect(dataplane.port, "b.example.com")
    assert ask(quick, "x") == "a.example.com: x" and ask(patient, "y") == "b.example.com: y"
    assert dataplane.metric_reaches('snigate_connections_total{route="a.example.com",outcome="idle_timeout"}', 1) == 1
    assert ask(patient, "still") == "b.example.com: still"  # the dataplane's own --idle-timeout is 1h
    quick.close()
    patient.close()


def test_no_sni_and_unknown_names_go_to_the_default_backend(backend_factory, dataplane_factory):
    a = backend_factory("a.example.com")
    fallback = backend_factory("default.example.com")
    dataplane = dataplane_factory(routes=snapshot(1, [route("a.example.com", a.port)], default_ports=(fallback.port,)))
    with python_connect(dataplane.port, None) as tls:
        assert peer_common_name(tls) == "default.example.com"
    with python_connect(dataplane.port, "other.example.com") as tls:
        assert peer_common_name(tls) == "default.example.com"


def test_every_finished_connection_is_logged_as_one_json_line(two_names):
    with python_connect(two_names.port, "a.example.com", alpn=["http/1.1"]) as tls:
        ask(tls, "x")
    records = []
    for _ in range(50):  # workers flush their log buffers every 250 ms
        records = [r for r in two_names.log_records() if r.get("msg") == "connection"]
        if records:
            break
        import time
        time.sleep(0.1)
    record = records[-1]
    assert record["sni"] == "a.example.com"
    assert record["alpn"] == ["http/1.1"]
    assert record["route"] == "a.example.com"
    assert record["outcome"] == "ok"
    assert record["backend"].startswith("127.0.0.1:")
    assert record["bytes_from_client"] > 0 and record["bytes_to_client"] > 0
    for field in ("time", "client", "duration_ms"):
        assert field in record


def test_plain_http_is_closed_without_an_alert_and_counted(two_names):
    with socket.create_connection(("127.0.0.1", two_names.port), timeout=5) as raw:
        raw.sendall(b"GET / HTTP/1.1\r\nHost: a.example.com\r\n\r\n")
        assert raw.recv(100) == b""
    assert two_names.metrics()['snigate_client_hello_errors_total{reason="http_request"}'] == 1


def test_malformed_client_hello_gets_decode_error_alert(two_names):
    # A handshake record whose ClientHello claims more extension bytes than it carries.
    body = b"\x03\x03" + b"\x00" * 32 + b"\x00" + b"\x00\x02\x13\x01" + b"\x01\x00" + b"\x00\x10"
    message = b"\x01" + len(body).to_bytes(3, "big") + body
    record = b"\x16\x03\x01" + len(message).to_bytes(2, "big") + message
    with socket.create_connection(("127.0.0.1", two_names.port), timeout=5) as raw:
        raw.sendall(record)
        assert raw.recv(100) == b"\x15\x03\x01\x00\x02\x02\x32"  # fatal decode_error
    assert two_names.metrics()['snigate_client_hello_errors_total{reason="malformed"}'] == 1


@pytest.fixture
def openssl_www_backends(cert_dir):
    """openssl s_server -www per name: its status page names the certificate it served."""
    from dataplane_process import free_port
    processes, ports = [], {}
    for name in ("a.example.com", "b.example.com"):
        cert, key = make_certificate(cert_dir, name)
        port = free_port()
        processes.append(subprocess.Popen(
            ["openssl", "s_server", "-accept", f"127.0.0.1:{port}", "-cert", str(cert), "-key", str(key), "-www",
             "-quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        ports[name] = port
    for port in ports.values():
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                import time
                time.sleep(0.05)
    yield ports
    for process in processes:
        process.kill()
        process.wait()
