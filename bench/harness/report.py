"""Writes the results as JSON (one object per workload, peer and worker setup) and as Markdown."""

import json

from .figures import HEADLINE, table_figures
from .suite import Measurement

BASELINE = "no proxy"
SNIGATE = "snigate"


def summarize(measurement: Measurement) -> dict:
    figures = {}
    names = []
    for run in measurement.runs:
        names += [name for name in run if name not in names]
    for name in names:
        values = [run[name] for run in measurement.runs if run.get(name) is not None]
        if values:
            figures[name] = {"median": measurement.median(name), "min": min(values), "max": max(values),
                             "runs": values}
    entry = {
        "workload": measurement.workload,
        "peer": measurement.peer,
        "workers": measurement.setup.workers,
        "pinned": measurement.setup.proxy_cpus is not None,
        "figures": figures,
    }
    if measurement.note:
        entry["note"] = measurement.note
    if measurement.errors:
        entry["errors"] = measurement.errors
    return entry


def write_json(path: str, meta: dict, entries: list) -> None:
    with open(path, "w") as out:
        json.dump({"meta": meta, "results": entries}, out, indent=1)
        out.write("\n")


def _median(entries: list, workload: str, peer: str, workers: int, figure: str):
    for entry in entries:
        if (entry["workload"], entry["peer"], entry["workers"]) == (workload, peer, workers):
            value = entry["figures"].get(figure)
            return value["median"] if value else None
    return None


def _format(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and abs(value) < 10:
        return f"{value:.2f}"
    return f"{value:,.0f}"


def ratio(value, baseline):
    return value / baseline if value is not None and baseline else None


def snigate_ratios(entries: list, workload: str, workers: int) -> dict:
    """snigate's headline figure beside the best other proxy's and no proxy's, and the ratios."""
    headline = HEADLINE[workload]
    snigate = _median(entries, workload, SNIGATE, workers, headline.name)
    others = {e["peer"]: _median(entries, workload, e["peer"], workers, headline.name) for e in entries
              if e["workload"] == workload and e["workers"] == workers and e["peer"] not in (SNIGATE, BASELINE)}
    others = {peer: value for peer, value in others.items() if value is not None}
    best_peer = (max if headline.higher_is_better else min)(others, key=others.get) if others else None
    no_proxy = _median(entries, workload, BASELINE, workers, headline.name)
    return {"figure": headline.name, "snigate": snigate, "best_peer": best_peer,
            "best_peer_value": others.get(best_peer), "no_proxy": no_proxy,
            "to_best_peer": ratio(snigate, others.get(best_peer)), "to_no_proxy": ratio(snigate, no_proxy)}


def markdown(meta: dict, entries: list, workload_order: list) -> str:
    lines = [f"# snigate benchmark, {meta['date']}", "",
             f"Profile {meta['profile']}. Machine: {meta['machine']['cpu']}, {meta['machine']['cpus']} CPUs, "
             f"{meta['machine']['memory_gib']} GiB, Linux {meta['machine']['kernel']}, load average "
             f"{' '.join(meta['machine']['load_average_at_start'])} at the start. "
             f"Peers: " + ", ".join(f"{name} {version}" for name, version in meta["versions"].items() if version) + ".",
             "", "Each cell: median (min–max) over the runs; ratio is the headline figure over no proxy's.", ""]
    setups = sorted({(e["workers"], e["pinned"]) for e in entries})
    for workload in workload_order:
        rows = [e for e in entries if e["workload"] == workload]
        if not rows:
            continue
        figures = table_figures(workload)
        headline = HEADLINE[workload]
        lines += [f"## {workload}", "", f"Headline: {headline.label} ({'higher' if headline.higher_is_better else 'lower'}"
                  " is better).", ""]
        has_baseline = any(e["peer"] == BASELINE and e["figures"] for e in rows)
        lines.append("| workers | peer | " + " | ".join(figures) + (" | ratio to no proxy |" if has_baseline else " |"))
        lines.append("|---|---|" + "---|" * (len(figures) + (1 if has_baseline else 0)))
        for workers, pinned in setups:
            for entry in [e for e in rows if (e["workers"], e["pinned"]) == (workers, pinned)]:
                cells = []
                for name in figures:
                    value = entry["figures"].get(name)
                    cells.append(f"{_format(value['median'])} ({_format(value['min'])}–{_format(value['max'])})"
                                 if value else "–")
                baseline = _median(entries, workload, BASELINE, workers, headline.name)
                own = entry["figures"].get(headline.name)
                shown_ratio = ratio(own["median"] if own else None, baseline)
                note = entry.get("note") or ("; ".join(entry["errors"])[:200] if entry.get("errors") else "")
                peer = entry["peer"] + (f" ({note})" if note else "")
                ratio_cell = f" | {_format(shown_ratio) if shown_ratio else '–'} |" if has_baseline else " |"
                lines.append(f"| {workers}{' pinned' if pinned else ''} | {peer} | " + " | ".join(cells) + ratio_cell)
        for workers, _ in setups:
            ratios = snigate_ratios(entries, workload, workers)
            lines.append("")
            lines.append(f"snigate, {workers} worker(s): {_format(ratios['snigate'])} {headline.label}; best peer "
                         f"{ratios['best_peer']} {_format(ratios['best_peer_value'])} "
                         f"(ratio {_format(ratios['to_best_peer'])}); no proxy {_format(ratios['no_proxy'])} "
                         f"(ratio {_format(ratios['to_no_proxy'])}).")
        lines.append("")
    return "\n".join(lines)
