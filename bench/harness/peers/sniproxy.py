"""sniproxy: one libev event loop, a table of regular expressions, re-read on SIGHUP.

sniproxy 0.6.0 segfaults on its second SIGHUP (dlundquist/sniproxy#284; exit 139 here too), so the
churn workload leaves it dead and its figures say so (proxy_survived 0)."""

import re
import shutil
import signal
import subprocess

from ..process_group import ProcessGroup
from ..routes import LOOPBACK, PROXY_PORT, RouteTable
from .peer import Peer, RunningPeer, wait_for_listener, write_atomically


def sniproxy_config(routes: RouteTable, workdir: str) -> str:
    table = "\n".join(f"    ^{re.escape(r.hostname)}$ {LOOPBACK}:{r.backend_port}" for r in routes.routes)
    return f"""user nobody
pidfile {workdir}/sniproxy.pid

error_log {{
    filename {workdir}/error.log
    priority err
}}

listener {LOOPBACK}:{PROXY_PORT} {{
    protocol tls
    table bench
}}

table bench {{
{table}
}}
"""


class RunningSniproxy(RunningPeer):
    def apply_routes(self, routes):
        write_atomically(f"{self.workdir}/sniproxy.conf", sniproxy_config(routes, self.workdir))
        self.group.signal(signal.SIGHUP)


class SniproxyPeer(Peer):
    name = "sniproxy"
    fixed_workers = 1

    def unavailable_reason(self):
        return None if shutil.which("sniproxy") else "sniproxy is not installed (bench/install-peers installs it)"

    def version(self):
        return subprocess.run(["sniproxy", "-V"], capture_output=True, text=True).stdout.split()[1]

    def start(self, workdir, routes, workers, cpus):
        write_atomically(f"{workdir}/sniproxy.conf", sniproxy_config(routes, workdir))
        group = ProcessGroup(["sniproxy", "-f", "-c", f"{workdir}/sniproxy.conf"], cpus, workdir,
                             log_path=f"{workdir}/stdout.log")
        wait_for_listener(group, PROXY_PORT)
        return RunningSniproxy(group, workdir)
