"""The one route list every peer is configured from, and the ports of the benchmark backend."""

from dataclasses import dataclass, replace

LOOPBACK = "127.0.0.1"
PROXY_PORT = 18443
ADMIN_PORT = 18444

# One backend process listens on all of these; the port decides what it does after the ClientHello.
BACKEND_PORTS = {
    "reply": 19101,
    "reply_alternate": 19102,  # the churn route flips between reply and this
    "sink": 19103,
    "source": 19104,
    "echo": 19105,
}

REPLY_NAME = "reply.bench.test"
CHURN_NAME = "churn.bench.test"
SINK_NAME = "sink.bench.test"
SOURCE_NAME = "source.bench.test"
ECHO_NAME = "echo.bench.test"

# Routes nobody connects to, so that every proxy looks names up in a table of realistic size.
FILLER_ROUTES = 95


@dataclass(frozen=True)
class Route:
    hostname: str
    backend_port: int

    @property
    def backend_address(self) -> str:
        return f"{LOOPBACK}:{self.backend_port}"


@dataclass(frozen=True)
class RouteTable:
    generation: int
    routes: tuple

    @staticmethod
    def initial() -> "RouteTable":
        named = [
            Route(REPLY_NAME, BACKEND_PORTS["reply"]),
            Route(CHURN_NAME, BACKEND_PORTS["reply"]),
            Route(SINK_NAME, BACKEND_PORTS["sink"]),
            Route(SOURCE_NAME, BACKEND_PORTS["source"]),
            Route(ECHO_NAME, BACKEND_PORTS["echo"]),
        ]
        filler = [Route(f"filler-{i:03d}.bench.test", BACKEND_PORTS["reply"]) for i in range(FILLER_ROUTES)]
        return RouteTable(generation=1, routes=tuple(filler[: FILLER_ROUTES // 2] + named + filler[FILLER_ROUTES // 2 :]))

    def backend_address(self, hostname: str) -> str:
        for route in self.routes:
            if route.hostname == hostname:
                return route.backend_address
        raise KeyError(f"no route for {hostname}")

    def next_churn_step(self) -> "RouteTable":
        """The next table of the churn workload: the churn route moves to the other reply port."""
        flip = {BACKEND_PORTS["reply"]: BACKEND_PORTS["reply_alternate"],
                BACKEND_PORTS["reply_alternate"]: BACKEND_PORTS["reply"]}
        routes = tuple(replace(r, backend_port=flip[r.backend_port]) if r.hostname == CHURN_NAME else r
                       for r in self.routes)
        return RouteTable(generation=self.generation + 1, routes=routes)

    def distinct_backends(self) -> list:
        return sorted({route.backend_port for route in self.routes})

    def to_snigate_snapshot(self) -> dict:
        return {
            "version": 1,
            "generation": self.generation,
            "routes": [
                {"hostname": r.hostname,
                 "backends": [{"address": LOOPBACK, "port": r.backend_port, "weight": 1}],
                 "proxy_protocol": "none"}
                for r in self.routes
            ],
        }
