"""Which figure stands for each workload in ratios and charts, and which way is better."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    name: str
    label: str
    higher_is_better: bool


HEADLINE = {
    "new_connections": Figure("connections_per_s", "connections/s at saturation", True),
    "bulk_1conn_one_way": Figure("gbit_per_s", "Gbit/s", True),
    "bulk_32conn_one_way": Figure("gbit_per_s", "Gbit/s", True),
    "bulk_1conn_both_ways": Figure("gbit_per_s", "Gbit/s", True),
    "bulk_32conn_both_ways": Figure("gbit_per_s", "Gbit/s", True),
    "idle": Figure("rss_kib_per_connection", "RSS KiB per connection", False),
    "churn": Figure("failed_connections", "failed connections", False),
}

# Every figure shown in the Markdown tables, per workload, in order.
TABLE_FIGURES = {
    "new_connections": ["connections_per_s", "latency_p50_us", "latency_p99_us", "latency_rate_per_s"],
    "idle": ["rss_kib_per_connection", "fds_per_connection", "established", "failed"],
    "churn": ["failed_connections", "failed_connect", "failed_reset", "failed_short_reply", "failed_timeout",
              "connections_per_s", "route_changes", "proxy_survived"],
}
BULK_FIGURES = ["gbit_per_s", "cpu_s_per_gib"]


def table_figures(workload: str) -> list:
    return TABLE_FIGURES.get(workload, BULK_FIGURES)
