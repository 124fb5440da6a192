"""snigate-dataplane: routes pushed as snapshots over its control socket."""

import json
import os
import socket
import struct
import subprocess
import time
import urllib.request

from ..process_group import ProcessGroup
from ..routes import ADMIN_PORT, LOOPBACK, PROXY_PORT
from .peer import MAX_CONNECTIONS, Peer, PeerUnavailable, RunningPeer, wait_for_listener, write_atomically


def wait_until_ready(group: ProcessGroup, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not group.alive():
            raise PeerUnavailable(f"exited with {group.process.returncode}; see {group.log_path}")
        try:
            with urllib.request.urlopen(f"http://{LOOPBACK}:{ADMIN_PORT}/readyz", timeout=0.5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise PeerUnavailable(f"/readyz not 200 after {timeout_s:.0f} s; see {group.log_path}")


class RunningSnigate(RunningPeer):
    def __init__(self, group, workdir):
        super().__init__(group, workdir)
        self.control = None

    def apply_routes(self, routes):
        message = json.dumps(routes.to_snigate_snapshot()).encode()
        if self.control is None:
            self.control = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.control.settimeout(5)
            self.control.connect(f"{self.workdir}/control.sock")
        self.control.sendall(struct.pack(">I", len(message)) + message)
        length = struct.unpack(">I", self._receive(4))[0]
        ack = json.loads(self._receive(length))
        if not ack.get("ok") or ack.get("generation") != routes.generation:
            raise RuntimeError(f"snapshot {routes.generation} rejected: {ack}")

    def _receive(self, count: int) -> bytes:
        data = b""
        while len(data) < count:
            chunk = self.control.recv(count - len(data))
            if not chunk:
                raise RuntimeError("control socket closed")
            data += chunk
        return data

    def stop(self):
        if self.control:
            self.control.close()
        super().stop()


class SnigatePeer(Peer):
    name = "snigate"

    def __init__(self, binary: str, name: str = "snigate"):
        self.binary = binary
        self.name = name

    def unavailable_reason(self):
        return None if os.access(self.binary, os.X_OK) else f"{self.binary} does not exist (build snigate-dataplane)"

    def version(self):
        """The commit, and the build type when the binary comes from a CMake build directory."""
        try:
            commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                    cwd=os.path.dirname(os.path.realpath(self.binary))).stdout.strip()
        except OSError:
            commit = ""
        cache = os.path.join(os.path.dirname(os.path.dirname(self.binary)), "CMakeCache.txt")
        build_type = ""
        if os.path.exists(cache):
            with open(cache) as entries:
                build_type = next((line.split("=", 1)[1].strip() for line in entries
                                   if line.startswith("CMAKE_BUILD_TYPE:")), "")
        return f"{commit} ({build_type})" if build_type else commit

    def start(self, workdir, routes, workers, cpus):
        write_atomically(f"{workdir}/routes.json", json.dumps(routes.to_snigate_snapshot()))
        group = ProcessGroup([self.binary, "--listen", f"{LOOPBACK}:{PROXY_PORT}", "--workers", str(workers),
                              "--routes", f"{workdir}/routes.json", "--admin-listen", f"{LOOPBACK}:{ADMIN_PORT}",
                              "--control-socket", f"{workdir}/control.sock", "--log-level", "error",
                              "--max-connections", str(MAX_CONNECTIONS)],
                             cpus, workdir, log_path=f"{workdir}/stdout.log")
        try:
            wait_until_ready(group)
            wait_for_listener(group, PROXY_PORT)
        except PeerUnavailable:
            group.stop()
            raise
        return RunningSnigate(group, workdir)
