"""How long and how big each workload runs: the full suite of the issue, or a quick one for CI."""

from dataclasses import dataclass

GIB = 1 << 30
MIB = 1 << 20


@dataclass(frozen=True)
class Profile:
    name: str
    runs: int
    concurrency: int
    warmup_ms: int
    duration_ms: int
    latency_rate_fraction: float  # of the slowest peer's saturation rate
    bulk_bytes_single: int        # the one connection of bulk_1
    bulk_bytes_each: int          # each of the 32 connections of bulk_32
    idle_connections: int
    churn_interval_ms: int

    def describe(self) -> str:
        return (f"{self.name}: {self.runs} run(s) per figure, {self.duration_ms / 1000:g} s windows, "
                f"bulk {self.bulk_bytes_single // MIB} MiB on 1 connection and {self.bulk_bytes_each // MIB} MiB "
                f"on each of 32, {self.idle_connections} idle connections")


FULL = Profile(name="full", runs=5, concurrency=64, warmup_ms=1000, duration_ms=10000, latency_rate_fraction=0.5,
               bulk_bytes_single=GIB, bulk_bytes_each=GIB, idle_connections=5000, churn_interval_ms=100)

QUICK = Profile(name="quick", runs=1, concurrency=64, warmup_ms=200, duration_ms=1000, latency_rate_fraction=0.5,
                bulk_bytes_single=256 * MIB, bulk_bytes_each=16 * MIB, idle_connections=1000, churn_interval_ms=100)
