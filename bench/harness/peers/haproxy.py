"""HAProxy in TCP mode: waits for the ClientHello (inspect-delay), routes on req.ssl_sni via a map."""

import shutil
import signal
import subprocess

from ..process_group import ProcessGroup
from ..routes import LOOPBACK, PROXY_PORT, RouteTable
from .peer import MAX_CONNECTIONS, Peer, RunningPeer, wait_for_listener, write_atomically


def backend_name(port: int) -> str:
    return f"port_{port}"


def haproxy_config(routes: RouteTable, workers: int, workdir: str) -> str:
    backends = "\n".join(
        f"backend {backend_name(port)}\n    server s {LOOPBACK}:{port}\n" for port in routes.distinct_backends())
    return f"""global
    nbthread {workers}
    maxconn {MAX_CONNECTIONS}
    pidfile {workdir}/haproxy.pid
    # Lets a reload hand the listening socket to the new worker instead of closing it (seamless reload).
    stats socket {workdir}/haproxy.sock mode 600 expose-fd listeners level user
    hard-stop-after 30s

defaults
    mode tcp
    maxconn {MAX_CONNECTIONS}
    timeout connect 5s
    timeout client 10m
    timeout server 10m

frontend tls
    bind {LOOPBACK}:{PROXY_PORT}
    tcp-request inspect-delay 5s
    tcp-request content accept if {{ req.ssl_hello_type 1 }}
    use_backend %[req.ssl_sni,lower,map({workdir}/routes.map)]

{backends}"""


def haproxy_map(routes: RouteTable) -> str:
    return "".join(f"{r.hostname} {backend_name(r.backend_port)}\n" for r in routes.routes)


class RunningHAProxy(RunningPeer):
    def __init__(self, group, workdir, workers):
        super().__init__(group, workdir)
        self.workers = workers

    def apply_routes(self, routes):
        write_atomically(f"{self.workdir}/routes.map", haproxy_map(routes))
        write_atomically(f"{self.workdir}/haproxy.cfg", haproxy_config(routes, self.workers, self.workdir))
        self.group.signal(signal.SIGUSR2)  # master-worker reload: re-reads everything, old worker drains


class HAProxyPeer(Peer):
    name = "haproxy"

    def unavailable_reason(self):
        return None if shutil.which("haproxy") else "haproxy is not installed (bench/install-peers installs it)"

    def version(self):
        return subprocess.run(["haproxy", "-v"], capture_output=True, text=True).stdout.split()[2]

    def start(self, workdir, routes, workers, cpus):
        write_atomically(f"{workdir}/routes.map", haproxy_map(routes))
        write_atomically(f"{workdir}/haproxy.cfg", haproxy_config(routes, workers, workdir))
        group = ProcessGroup(["haproxy", "-W", "-db", "-q", "-f", f"{workdir}/haproxy.cfg"],
                             cpus, workdir, log_path=f"{workdir}/stdout.log")
        wait_for_listener(group, PROXY_PORT)
        return RunningHAProxy(group, workdir, workers)
