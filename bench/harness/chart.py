"""One PNG per workload: each peer's headline figure as a ratio to no proxy, per worker setup."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - the backend must be chosen first

from .figures import HEADLINE  # noqa: E402
from .report import BASELINE  # noqa: E402


def write_chart(path: str, workload: str, entries: list) -> None:
    headline = HEADLINE[workload]
    rows = [e for e in entries if e["workload"] == workload]
    setups = sorted({(e["workers"], e["pinned"]) for e in rows})
    peers = list(dict.fromkeys(e["peer"] for e in rows))

    def median(peer, setup):
        for e in rows:
            if (e["peer"], e["workers"], e["pinned"]) == (peer, *setup):
                value = e["figures"].get(headline.name)
                return value["median"] if value else None
        return None

    peers = [peer for peer in peers if any(median(peer, setup) is not None for setup in setups)]
    has_baseline = all(median(BASELINE, setup) for setup in setups)
    figure, axes = plt.subplots(figsize=(9, 4.5))
    width = 0.8 / max(1, len(setups))
    for index, setup in enumerate(setups):
        baseline = median(BASELINE, setup) if has_baseline else None
        values = []
        for peer in peers:
            value = median(peer, setup)
            values.append((value / baseline if baseline else value) if value is not None else 0)
        label = f"{setup[0]} worker(s){', pinned' if setup[1] else ', unpinned'}"
        positions = [i + (index - (len(setups) - 1) / 2) * width for i in range(len(peers))]
        bars = axes.bar(positions, values, width, label=label)
        axes.bar_label(bars, labels=[f"{v:.2f}" if has_baseline or v < 100 else f"{v:,.0f}" for v in values],
                       fontsize=8)
    axes.set_xticks(range(len(peers)), peers)
    better = "higher" if headline.higher_is_better else "lower"
    axes.set_ylabel(f"{headline.label} / no proxy" if has_baseline else headline.label)
    axes.set_title(f"{workload}: {headline.label} ({better} is better)")
    if has_baseline:
        axes.axhline(1.0, color="grey", linewidth=0.8, linestyle="--")
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
