"""No proxy: the load generator talks to the backend itself. The limit every proxy is held to."""

from ..routes import RouteTable
from .peer import Peer, RunningPeer


class RunningDirect(RunningPeer):
    def target_for(self, hostname: str, routes: RouteTable) -> str:
        return routes.backend_address(hostname)


class DirectPeer(Peer):
    name = "no proxy"

    def start(self, workdir, routes, workers, cpus):
        return RunningDirect(None, workdir)
