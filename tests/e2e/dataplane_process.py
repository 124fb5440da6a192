"""Runs snigate-dataplane as a child process for a test: free loopback ports, a routes file
and/or a control socket, and helpers to push snapshots, read metrics and stop it."""

import json
import os
import signal
import socket
import struct
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def dataplane_binary() -> Path:
    return Path(os.environ.get("SNIGATE_DATAPLANE", REPO / "build" / "bin" / "snigate-dataplane"))


def free_port(host: str = "127.0.0.1") -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def route(hostname: str, *ports: int, wildcard: str | None = None, proxy_protocol: str = "none",
          address: str = "127.0.0.1", allow_source_ranges: list[str] | None = None,
          alpn_routes: dict[tuple[str, ...], int] | None = None, max_connections: int | None = None,
          idle_timeout_ms: int | None = None, source_connection_rate: dict | None = None,
          refusal: str | None = None, refused_weight: int | None = None, listen_port: int | None = None) -> dict:
    """alpn_routes: protocols -> the port of the backend that takes clients offering any of them."""
    entry = {"hostname": hostname, "proxy_protocol": proxy_protocol,
             "backends": [{"address": address, "port": port, "weight": 1} for port in ports]}
    if wildcard:
        entry["wildcard"] = wildcard
    optional = {"allow_source_ranges": allow_source_ranges, "max_connections": max_connections,
                "idle_timeout_ms": idle_timeout_ms, "source_connection_rate": source_connection_rate,
                "refusal": refusal, "refused_weight": refused_weight, "listen_port": listen_port}
    entry.update({key: value for key, value in optional.items() if value is not None})
    if alpn_routes:
        entry["alpn_routes"] = [{"protocols": list(protocols), "backends": [{"address": address, "port": port}]}
                                for protocols, port in alpn_routes.items()]
    return entry


def snapshot(generation: int, routes: list[dict], default_ports: tuple[int, ...] = ()) -> dict:
    document = {"version": 1, "generation": generation, "routes": routes}
    if default_ports:
        document["default_backend"] = {
            "backends": [{"address": "127.0.0.1", "port": port} for port in default_ports]}
    return document


class Dataplane:
    def __init__(self, workdir: Path, routes: dict | None = None, control_socket: bool = True,
                 extra_args: tuple[str, ...] = (), listen_hosts: tuple[str, ...] = ("127.0.0.1",),
                 preexec_fn=None, stdout_unread: bool = False):
        """stdout_unread: standard output is a pipe nobody reads (a stalled log reader); the log
        file then holds standard error only."""
        self.workdir = workdir
        self.port = free_port()
        self.admin_port = free_port()
        self.routes_file = workdir / "routes.json"
        self.socket_path = workdir / "control.sock" if control_socket else None
        args = [str(dataplane_binary()), "--workers", "2", "--admin-listen", f"127.0.0.1:{self.admin_port}"]
        for host in listen_hosts:
            args += ["--listen", f"[{host}]:{self.port}" if ":" in host else f"{host}:{self.port}"]
        if routes is not None:
            self.routes_file.write_text(json.dumps(routes))
            args += ["--routes", str(self.routes_file)]
        if self.socket_path:
            args += ["--control-socket", str(self.socket_path)]
        args += list(extra_args)
        self.log_path = workdir / f"dataplane-{self.port}.log"
        self._log = open(self.log_path, "wb")
        if stdout_unread:
            self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self._log, preexec_fn=preexec_fn)
        else:
            self.process = subprocess.Popen(args, stdout=self._log, stderr=subprocess.STDOUT, preexec_fn=preexec_fn)
        self._wait_for_admin()

    def _wait_for_admin(self, timeout: float = 15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dataplane exited with {self.process.returncode}:\n{self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.admin_port), timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        raise TimeoutError(f"dataplane admin port never opened:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_records(self) -> list[dict]:
        records = []
        for line in self.log().splitlines():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                pass
        return records

    def http(self, path: str, method: str = "GET") -> tuple[int, str]:
        request = urllib.request.Request(f"http://127.0.0.1:{self.admin_port}{path}", method=method)
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def metrics(self) -> dict[str, float]:
        """Samples as {'name{labels}': value}."""
        _, text = self.http("/metrics")
        samples = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                name, value = line.rsplit(" ", 1)
                samples[name] = float(value)
        return samples

    def metric_reaches(self, name: str, value: float, timeout: float = 5) -> float:
        """The sample `name` once it equals `value` (or its last value after `timeout`). A scrape
        reads the workers' counters without waiting for them, and a connection is counted as it
        ends: a moment after its client may have seen the end."""
        deadline = time.monotonic() + timeout
        while True:
            current = self.metrics().get(name)
            if current == value or time.monotonic() > deadline:
                return current
            time.sleep(0.02)

    def control(self, document: dict) -> dict:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as control:
            control.settimeout(10)
            control.connect(str(self.socket_path))
            return exchange(control, json.dumps(document).encode())

    def signal(self, number: int):
        self.process.send_signal(number)

    def stop(self, timeout: float = 40) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        if self.process.stdout:
            self.process.stdout.close()
        return self.process.returncode

    def rss_bytes(self) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError("no VmRSS")


def exchange(control: socket.socket, payload: bytes) -> dict:
    control.sendall(struct.pack(">I", len(payload)) + payload)
    header = receive_exactly(control, 4)
    return json.loads(receive_exactly(control, struct.unpack(">I", header)[0]))


def receive_exactly(sock: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise ConnectionError(f"closed after {len(data)} of {count} bytes")
        data += chunk
    return data
