"""Runs every workload against every peer, interleaved (A B C A B C ...), and keeps each run's figures."""

import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field

from . import workloads
from .loadgen import Loadgen, LoadgenError
from .peers.peer import Peer, PeerUnavailable, wait_for_listener
from .process_group import ProcessGroup
from .profile import Profile
from .routes import BACKEND_PORTS, LOOPBACK, RouteTable


@dataclass(frozen=True)
class Setup:
    """Where the proxy and the load (load generator plus backend) run, and with how many workers."""
    workers: int
    proxy_cpus: str | None
    load_cpus: str | None

    @property
    def label(self) -> str:
        if self.proxy_cpus:
            return f"{self.workers} worker, proxy on CPU {self.proxy_cpus}, load on CPU {self.load_cpus}"
        return f"{self.workers} workers, unpinned"


PINNED_ONE_WORKER = Setup(workers=1, proxy_cpus="0", load_cpus="1")
UNPINNED_TWO_WORKERS = Setup(workers=2, proxy_cpus=None, load_cpus=None)

BULK_VARIANTS = [("download", 1), ("download", 32), ("both", 1), ("both", 32)]


def bulk_workload_name(direction: str, connections: int) -> str:
    return f"bulk_{connections}conn_{'one_way' if direction == 'download' else 'both_ways'}"


WORKLOAD_ORDER = ["new_connections"] + [bulk_workload_name(d, c) for d, c in BULK_VARIANTS] + ["idle", "churn"]


@dataclass
class Measurement:
    workload: str
    peer: str
    setup: Setup
    runs: list = field(default_factory=list)    # one dict of figures per successful run
    errors: list = field(default_factory=list)  # one message per failed run
    note: str = ""

    def median(self, figure: str):
        values = [run[figure] for run in self.runs if run.get(figure) is not None]
        return statistics.median(values) if values else None


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Suite:
    def __init__(self, peers: list, bin_dir: str, profile: Profile, setups: list, workload_names: list):
        self.peers = peers
        self.bin_dir = os.path.abspath(bin_dir)
        self.profile = profile
        self.setups = setups
        self.workload_names = workload_names
        self.routes = RouteTable.initial()
        self.measurements = {}

    def measurement(self, workload: str, peer: Peer, setup: Setup) -> Measurement:
        key = (workload, peer.name, setup)
        if key not in self.measurements:
            self.measurements[key] = Measurement(workload, peer.name, setup)
        return self.measurements[key]

    def run(self) -> list:
        for setup in self.setups:
            log(f"setup: {setup.label}")
            backend = self.start_backend(setup)
            try:
                self._run_setup(setup)
            finally:
                backend.stop()
        return [self.measurements[key] for key in sorted(
            self.measurements, key=lambda k: (WORKLOAD_ORDER.index(k[0]), self.setups.index(k[2]),
                                              [p.name for p in self.peers].index(k[1])))]

    def start_backend(self, setup: Setup) -> ProcessGroup:
        command = [f"{self.bin_dir}/snigate-bench-backend"]
        for mode, port in BACKEND_PORTS.items():
            command += [f"--{mode.split('_')[0]}", f"{LOOPBACK}:{port}"]
        backend = ProcessGroup(command, setup.load_cpus, cwd="/", log_path=None)
        for port in BACKEND_PORTS.values():
            wait_for_listener(backend, port)
        return backend

    def _run_setup(self, setup: Setup) -> None:
        loadgen = Loadgen(f"{self.bin_dir}/snigate-loadgen", setup.load_cpus)
        available = []
        for peer in self.peers:
            reason = peer.unavailable_reason()
            if reason:
                for workload in self.workload_names:
                    self.measurement(workload, peer, setup).note = f"could not run: {reason}"
            else:
                available.append(peer)
        proxies = [peer for peer in available if peer.name != "no proxy"]

        if "new_connections" in self.workload_names:
            self._interleave("new_connections", available, setup, loadgen, workloads.new_connections_saturation)
            rates = [self.measurement("new_connections", peer, setup).median("connections_per_s") for peer in proxies]
            rates = [rate for rate in rates if rate]
            if rates:
                rate = max(10, int(min(rates) * self.profile.latency_rate_fraction))
                log(f"latency at {rate} connections/s ({self.profile.latency_rate_fraction:g} of the slowest peer)")
                self._interleave("new_connections", available, setup, loadgen, workloads.new_connections_latency,
                                 rate_per_s=rate)
        for direction, connections in BULK_VARIANTS:
            name = bulk_workload_name(direction, connections)
            if name in self.workload_names:
                self._interleave(name, available, setup, loadgen, workloads.bulk, direction=direction,
                                 connections=connections)
        for name, measure in (("idle", workloads.idle), ("churn", workloads.churn)):
            if name in self.workload_names:
                for peer in [p for p in self.peers if p.name == "no proxy"]:
                    self.measurement(name, peer, setup).note = "not applicable: no proxy process to measure or reload"
                self._interleave(name, proxies, setup, loadgen, measure)

    def _interleave(self, workload: str, peers: list, setup: Setup, loadgen: Loadgen, measure, **arguments) -> None:
        for run in range(self.profile.runs):
            for peer in peers:
                result = self._measure_once(peer, setup, loadgen, measure, arguments)
                target = self.measurement(workload, peer, setup)
                if fixed := peer.fixed_workers:
                    if fixed != setup.workers:
                        target.note = f"runs {fixed} event loop whatever the worker count"
                if isinstance(result, str):
                    target.errors.append(result)
                    log(f"{workload} run {run + 1} {peer.name}: FAILED {result}")
                    continue
                if run < len(target.runs):
                    target.runs[run].update(result)
                else:
                    target.runs.append(result)
                log(f"{workload} run {run + 1} {peer.name}: {result}")

    def _measure_once(self, peer: Peer, setup: Setup, loadgen: Loadgen, measure, arguments):
        workdir = tempfile.mkdtemp(prefix=f"snigate-bench-{peer.name.replace(' ', '-')}-")
        os.chmod(workdir, 0o755)  # sniproxy re-reads its config as nobody
        running = None
        try:
            running = peer.start(workdir, self.routes, setup.workers, setup.proxy_cpus)
            return measure(running, self.routes, loadgen, self.profile, **arguments)
        except (PeerUnavailable, LoadgenError, OSError, KeyError, ValueError) as error:
            return f"{type(error).__name__}: {error}{self._log_tail(workdir)}"
        finally:
            if running:
                running.stop()
            shutil.rmtree(workdir, ignore_errors=True)

    @staticmethod
    def _log_tail(workdir: str) -> str:
        for name in ("error.log", "stdout.log"):
            path = os.path.join(workdir, name)
            if os.path.exists(path) and os.path.getsize(path):
                with open(path, errors="replace") as log_file:
                    return f" [{name}: {log_file.read()[-300:].strip()}]"
        return ""
