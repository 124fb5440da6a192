"""What every peer provides: a way to start it for a route table, and a running instance."""

import os
import socket
import time

from ..process_group import ProcessGroup
from ..routes import LOOPBACK, PROXY_PORT, RouteTable


# Every proxy that has a connection limit is given this one (the idle workload holds 5,000 at
# full size): two sockets each must fit under the open-file hard limit of 20,000.
MAX_CONNECTIONS = 9000


class PeerUnavailable(RuntimeError):
    """The peer cannot run on this machine; the message says why and lands in the report."""


class RunningPeer:
    """A proxy process group listening on PROXY_PORT."""

    def __init__(self, group: ProcessGroup | None, workdir: str):
        self.group = group
        self.workdir = workdir

    def target_for(self, hostname: str, routes: RouteTable) -> str:
        return f"{LOOPBACK}:{PROXY_PORT}"

    def apply_routes(self, routes: RouteTable) -> None:
        """Hands the proxy a new route table through its own reload mechanism."""
        raise NotImplementedError

    def stop(self) -> None:
        if self.group:
            self.group.stop()


class Peer:
    name = ""
    # Peers without a worker setting run one event loop whatever is asked; the report says so.
    fixed_workers: int | None = None

    def unavailable_reason(self) -> str | None:
        return None

    def version(self) -> str:
        return ""

    def start(self, workdir: str, routes: RouteTable, workers: int, cpus: str | None) -> RunningPeer:
        raise NotImplementedError


def write_atomically(path: str, text: str) -> None:
    """Reloading proxies must never read half a file."""
    partial = f"{path}.partial"
    with open(partial, "w") as out:
        out.write(text)
    os.chmod(partial, 0o644)
    os.replace(partial, path)


def wait_for_listener(group: ProcessGroup, port: int, timeout_s: float = 10.0) -> None:
    """Returns once the peer accepts on port; otherwise stops its group and raises PeerUnavailable."""
    deadline = time.monotonic() + timeout_s
    see_log = f"; see {group.log_path}" if group.log_path else ""
    while time.monotonic() < deadline:
        if not group.alive():
            group.stop()
            raise PeerUnavailable(f"exited with {group.process.returncode} before listening{see_log}")
        try:
            with socket.create_connection((LOOPBACK, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    group.stop()
    raise PeerUnavailable(f"not listening on {LOOPBACK}:{port} after {timeout_s:.0f} s{see_log}")
