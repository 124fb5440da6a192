"""The Go SNI proxy kept in bench/goproxy: a goroutine per connection, io.Copy both ways."""

import json
import os
import signal
import subprocess

from ..process_group import ProcessGroup
from ..routes import LOOPBACK, PROXY_PORT
from .peer import Peer, RunningPeer, wait_for_listener, write_atomically


class RunningGoProxy(RunningPeer):
    def apply_routes(self, routes):
        write_atomically(f"{self.workdir}/routes.json", json.dumps(routes.to_snigate_snapshot()))
        self.group.signal(signal.SIGHUP)


class GoProxyPeer(Peer):
    name = "go proxy"

    def __init__(self, binary: str):
        self.binary = binary

    def unavailable_reason(self):
        return None if os.access(self.binary, os.X_OK) else f"{self.binary} was not built (needs the Go toolchain)"

    def version(self):
        for go in ("go", "/usr/local/go/bin/go"):
            try:
                return subprocess.run([go, "version"], capture_output=True, text=True).stdout.split()[2]
            except OSError:
                continue
        return ""

    def start(self, workdir, routes, workers, cpus):
        write_atomically(f"{workdir}/routes.json", json.dumps(routes.to_snigate_snapshot()))
        env = dict(os.environ, GOMAXPROCS=str(workers))
        group = ProcessGroup([self.binary, "--listen", f"{LOOPBACK}:{PROXY_PORT}", "--routes", f"{workdir}/routes.json"],
                             cpus, workdir, env=env, log_path=f"{workdir}/stdout.log")
        wait_for_listener(group, PROXY_PORT)
        return RunningGoProxy(group, workdir)
