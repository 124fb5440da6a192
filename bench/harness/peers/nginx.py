"""nginx stream module: ssl_preread reads the SNI name, a map picks the backend."""

import os
import shutil
import signal
import subprocess

from ..process_group import ProcessGroup
from ..routes import LOOPBACK, PROXY_PORT, RouteTable
from .peer import Peer, RunningPeer, wait_for_listener, write_atomically

STREAM_MODULE = "/usr/lib/nginx/modules/ngx_stream_module.so"


def nginx_config(routes: RouteTable, workers: int, workdir: str) -> str:
    entries = "\n".join(f"        {r.hostname} {r.backend_address};" for r in routes.routes)
    return f"""load_module {STREAM_MODULE};
daemon off;
worker_processes {workers};
worker_rlimit_nofile 20000;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log error;
events {{
    worker_connections 12000;
}}
stream {{
    map $ssl_preread_server_name $backend {{
{entries}
    }}
    server {{
        listen {LOOPBACK}:{PROXY_PORT} reuseport;
        ssl_preread on;
        proxy_pass $backend;
        proxy_connect_timeout 5s;
        proxy_timeout 10m;
    }}
}}
"""


class RunningNginx(RunningPeer):
    def __init__(self, group, workdir, workers):
        super().__init__(group, workdir)
        self.workers = workers

    def apply_routes(self, routes):
        write_atomically(f"{self.workdir}/nginx.conf", nginx_config(routes, self.workers, self.workdir))
        self.group.signal(signal.SIGHUP)


class NginxPeer(Peer):
    name = "nginx"

    def unavailable_reason(self):
        if not shutil.which("nginx"):
            return "nginx is not installed (bench/install-peers installs it)"
        if not os.path.exists(STREAM_MODULE):
            return f"{STREAM_MODULE} missing (package libnginx-mod-stream)"
        return None

    def version(self):
        return subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip().split("/")[-1]

    def start(self, workdir, routes, workers, cpus):
        write_atomically(f"{workdir}/nginx.conf", nginx_config(routes, workers, workdir))
        group = ProcessGroup(["nginx", "-p", workdir, "-e", f"{workdir}/error.log", "-c", f"{workdir}/nginx.conf"],
                             cpus, workdir, log_path=f"{workdir}/stdout.log")
        wait_for_listener(group, PROXY_PORT)
        return RunningNginx(group, workdir, workers)
