"""The four workloads of the issue, each measured once against one running peer.

Each returns a dict of figure names to numbers (None where a figure does not apply)."""

import threading
import time

from .loadgen import Loadgen
from .peers.peer import RunningPeer
from .profile import GIB, Profile
from .routes import CHURN_NAME, ECHO_NAME, REPLY_NAME, SOURCE_NAME, RouteTable

SETTLE_S = 0.5  # lets the proxy finish setting up held connections before /proc is read


def new_connections_saturation(peer: RunningPeer, routes: RouteTable, loadgen: Loadgen, profile: Profile) -> dict:
    result = loadgen.run("connections", peer.target_for(REPLY_NAME, routes), REPLY_NAME,
                         timeout_s=profile.duration_ms / 1000 + 30, concurrency=profile.concurrency,
                         **{"warmup-ms": profile.warmup_ms, "duration-ms": profile.duration_ms})
    return {"connections_per_s": result["connections_per_s"], "saturation_failed": result["failed"]}


def new_connections_latency(peer: RunningPeer, routes: RouteTable, loadgen: Loadgen, profile: Profile,
                            rate_per_s: int) -> dict:
    result = loadgen.run("connections", peer.target_for(REPLY_NAME, routes), REPLY_NAME,
                         timeout_s=profile.duration_ms / 1000 + 30, rate=rate_per_s, concurrency=4000,
                         **{"warmup-ms": profile.warmup_ms, "duration-ms": profile.duration_ms})
    return {"latency_rate_per_s": rate_per_s, "latency_p50_us": result["latency_p50_us"],
            "latency_p99_us": result["latency_p99_us"], "latency_failed": result["failed"]}


def bulk(peer: RunningPeer, routes: RouteTable, loadgen: Loadgen, profile: Profile, direction: str,
         connections: int) -> dict:
    name = SOURCE_NAME if direction == "download" else ECHO_NAME
    bytes_each = profile.bulk_bytes_single if connections == 1 else profile.bulk_bytes_each
    cpu_before = peer.group.cpu_seconds() if peer.group else None
    result = loadgen.run("bulk", peer.target_for(name, routes), name, timeout_s=900, direction=direction,
                         connections=connections, bytes=bytes_each, **{"timeout-ms": 600000})
    cpu_per_gib = None
    if peer.group and result["payload_bytes"]:
        cpu_per_gib = (peer.group.cpu_seconds() - cpu_before) / (result["payload_bytes"] / GIB)
    return {"gbit_per_s": result["gbit_per_s"], "cpu_s_per_gib": cpu_per_gib, "failed": result["failed"]}


def idle(peer: RunningPeer, routes: RouteTable, loadgen: Loadgen, profile: Profile) -> dict:
    group = peer.group
    rss_before, files_before = group.rss_bytes(), group.open_files()
    with loadgen.holding(peer.target_for(ECHO_NAME, routes), ECHO_NAME, timeout_s=120,
                         connections=profile.idle_connections, **{"hold-ms": 120000}) as ready:
        time.sleep(SETTLE_S)
        rss_after, files_after = group.rss_bytes(), group.open_files()
    held = ready["established"]
    return {
        "rss_kib_per_connection": (rss_after - rss_before) / 1024 / held if held else None,
        "fds_per_connection": (files_after - files_before) / held if held else None,
        "established": held,
        "failed": ready["failed"],
    }


class RouteChurn:
    """Hands the peer a changed route table every interval until stopped, counting what failed."""

    def __init__(self, peer: RunningPeer, routes: RouteTable, interval_s: float, limit_s: float):
        self.peer, self.routes, self.interval_s, self.limit_s = peer, routes, interval_s, limit_s
        self.changes = 0
        self.errors = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        deadline = time.monotonic() + self.limit_s
        next_change = time.monotonic()
        while not self.stopped.is_set() and time.monotonic() < deadline:
            self.routes = self.routes.next_churn_step()
            try:
                self.peer.apply_routes(self.routes)
                self.changes += 1
            except Exception as error:  # noqa: BLE001 - every failed reload is a figure, not a crash
                self.errors.append(str(error))
            next_change += self.interval_s
            self.stopped.wait(max(0.0, next_change - time.monotonic()))

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join()


def churn(peer: RunningPeer, routes: RouteTable, loadgen: Loadgen, profile: Profile) -> dict:
    window_s = (profile.warmup_ms + profile.duration_ms) / 1000
    with RouteChurn(peer, routes, profile.churn_interval_ms / 1000, limit_s=window_s + 5) as changes:
        result = loadgen.run("connections", peer.target_for(CHURN_NAME, routes), CHURN_NAME,
                             timeout_s=window_s + 30, concurrency=profile.concurrency,
                             **{"warmup-ms": profile.warmup_ms, "duration-ms": profile.duration_ms})
    return {"failed_connections": result["failed"], "connections_per_s": result["connections_per_s"],
            "failed_connect": result["failed_connect"], "failed_reset": result["failed_reset"],
            "failed_short_reply": result["failed_short_reply"], "failed_timeout": result["failed_timeout"],
            "route_changes": changes.changes, "route_change_errors": len(changes.errors),
            "proxy_survived": 1 if peer.group.alive() else 0}
