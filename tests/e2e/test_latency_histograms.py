"""The latency histograms on /metrics, with real TLS clients through the dataplane to a real TLS
backend: ClientHello wait, backend connect time per route, connection duration per route. There
is no promtool here: the text is parsed and checked against the exposition format's rules."""

import re
import ssl
import time

import pytest

from dataplane_process import route, snapshot
from tls_clients import ask, python_connect

HISTOGRAMS = ("snigate_client_hello_wait_seconds", "snigate_backend_connect_seconds",
              "snigate_connection_duration_seconds")
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


class Histogram:
    def __init__(self):
        self.buckets: list[tuple[float, float]] = []  # (le, cumulative count), in the order rendered
        self.sum: float | None = None
        self.count: float | None = None

    def at_most(self, bound: float) -> float:
        return next(count for le, count in self.buckets if le == bound)


def parse_histograms(text: str) -> tuple[dict[tuple[str, tuple], Histogram], dict[str, list[str]]]:
    """{(family, labels other than le): Histogram}, and each family's comment lines."""
    histograms: dict[tuple[str, tuple], Histogram] = {}
    comments: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.startswith("#"):
            _, kind, name, rest = line.split(" ", 3)
            comments.setdefault(name, []).append(f"{kind} {rest}")
            continue
        match = SAMPLE.match(line)
        assert match, f"not a sample line: {line!r}"
        name, labels_text, value = match.groups()
        labels = dict(LABEL.findall(labels_text or ""))
        for family in HISTOGRAMS:
            if not name.startswith(family):
                continue
            suffix = name[len(family):]
            le = labels.pop("le", None)
            histogram = histograms.setdefault((family, tuple(sorted(labels.items()))), Histogram())
            if suffix == "_bucket":
                # As client libraries write it: a query for le="0.0005" must find the bucket.
                assert le is not None and re.fullmatch(r"\+Inf|[0-9]+(\.[0-9]+)?", le), line
                histogram.buckets.append((float(le), float(value)))
            elif suffix == "_sum":
                histogram.sum = float(value)
            elif suffix == "_count":
                histogram.count = float(value)
            else:
                pytest.fail(f"a sample of {family} with an unknown suffix: {line}")
    return histograms, comments


def assert_well_formed(histograms: dict[tuple[str, tuple], Histogram]):
    for key, histogram in histograms.items():
        bounds = [le for le, _ in histogram.buckets]
        counts = [count for _, count in histogram.buckets]
        assert bounds and bounds[-1] == float("inf"), key
        assert bounds == sorted(set(bounds)), f"{key}: le must increase: {bounds}"
        assert counts == sorted(counts), f"{key}: buckets must be cumulative: {counts}"
        assert histogram.count == counts[-1], f"{key}: le=+Inf must equal _count"
        assert histogram.sum is not None and histogram.sum >= 0, key


def scrape(dataplane):
    _, text = dataplane.http("/metrics")
    histograms, comments = parse_histograms(text)
    assert_well_formed(histograms)
    return histograms, comments


def count(histograms, family: str, **labels) -> float:
    found = histograms.get((family, tuple(sorted(labels.items()))))
    return found.count if found else 0


def test_hello_wait_connect_and_duration_histograms_grow_with_real_connections(backend_factory, dataplane_factory):
    backend = backend_factory("app.example.com")
    dataplane = dataplane_factory(routes=snapshot(1, [route("app.example.com", backend.port)]))
    app = {"route": "app.example.com"}
    before, comments = scrape(dataplane)
    for family in HISTOGRAMS:
        assert comments[family][1] == "TYPE histogram", comments[family]
        assert [line.split(" ")[0] for line in comments[family]] == ["HELP", "TYPE"], "HELP and TYPE once"

    for _ in range(3):
        with python_connect(dataplane.port, "app.example.com") as tls:
            assert ask(tls, "hi") == "app.example.com: hi"
    with python_connect(dataplane.port, "app.example.com") as tls:  # one that outlives 0.25 s
        assert ask(tls, "slow") == "app.example.com: slow"
        time.sleep(0.4)
    with pytest.raises(ssl.SSLError, match="UNRECOGNIZED_NAME"):
        python_connect(dataplane.port, "nobody.example.com")
    assert dataplane.metric_reaches('snigate_connections_total{route="app.example.com",outcome="ok"}', 4) == 4
    assert dataplane.metric_reaches('snigate_connections_total{route="-",outcome="no_route"}', 1) == 1

    after, _ = scrape(dataplane)
    hello_wait = "snigate_client_hello_wait_seconds"
    assert count(after, hello_wait) - count(before, hello_wait) == 5  # every parsed hello, routed or not
    assert count(after, "snigate_backend_connect_seconds", **app) - count(before, "snigate_backend_connect_seconds", **app) == 4
    assert ("snigate_backend_connect_seconds", (("route", "-"),)) not in after, "nothing connects unrouted"
    duration = after[("snigate_connection_duration_seconds", tuple(app.items()))]
    assert duration.count == 4
    assert duration.at_most(0.25) <= 3, "the slow connection lasted longer than 0.25 s"
    assert duration.sum >= 0.4
    assert count(after, "snigate_connection_duration_seconds", route="-") >= 1
    bounds = [le for le, _ in duration.buckets]
    assert bounds[0] == 0.005 and bounds[-2] == 3600, bounds
