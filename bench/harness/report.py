"""Writes the results as JSON (one object per workload, peer and worker setup) and as Markdown."""

import json
import os

from .figures import HEADLINE, table_figures
from .suite import WORKLOAD_ORDER, Measurement, log

BASELINE = "no proxy"
SNIGATE = "snigate"
SNIGATE_BEFORE = "snigate before"


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
    if isinstance(value, float) and abs(value) < 100:
        return f"{value:.1f}"
    return f"{value:,.0f}"


def ratio(value, baseline):
    return value / baseline if value is not None and baseline else None


def snigate_ratios(entries: list, workload: str, workers: int) -> dict:
    """snigate's headline figure beside the best other proxy's and no proxy's, and the ratios."""
    headline = HEADLINE[workload]
    snigate = _median(entries, workload, SNIGATE, workers, headline.name)
    others = {e["peer"]: _median(entries, workload, e["peer"], workers, headline.name) for e in entries
              if e["workload"] == workload and e["workers"] == workers and e["peer"] not in (SNIGATE, SNIGATE_BEFORE, BASELINE)}
    others = {peer: value for peer, value in others.items() if value is not None}
    best_peer = (max if headline.higher_is_better else min)(others, key=others.get) if others else None
    no_proxy = _median(entries, workload, BASELINE, workers, headline.name)
    before = _median(entries, workload, SNIGATE_BEFORE, workers, headline.name)
    return {"figure": headline.name, "snigate": snigate, "best_peer": best_peer,
            "best_peer_value": others.get(best_peer), "no_proxy": no_proxy,
            "to_best_peer": ratio(snigate, others.get(best_peer)), "to_no_proxy": ratio(snigate, no_proxy),
            "before": before, "to_before": ratio(snigate, before)}


def snigate_ratios_by_setup(entries: list, workloads: list) -> dict:
    setups = sorted({e["workers"] for e in entries})
    return {f"{w}/{workers}": snigate_ratios(entries, w, workers) for w in workloads for workers in setups}


# The summary's rows: the headline figure, with a second figure in brackets where one says more.
SUMMARY_ROWS = [
    ("new connections/s (p99 µs at a fixed rate)", "new_connections", "connections_per_s", "latency_p99_us"),
    ("bulk 1 conn one way, Gbit/s (CPU s/GiB)", "bulk_1conn_one_way", "gbit_per_s", "cpu_s_per_gib"),
    ("bulk 32 conns one way, Gbit/s (CPU s/GiB)", "bulk_32conn_one_way", "gbit_per_s", "cpu_s_per_gib"),
    ("bulk 1 conn both ways, Gbit/s (CPU s/GiB)", "bulk_1conn_both_ways", "gbit_per_s", "cpu_s_per_gib"),
    ("bulk 32 conns both ways, Gbit/s (CPU s/GiB)", "bulk_32conn_both_ways", "gbit_per_s", "cpu_s_per_gib"),
    ("idle: RSS KiB (fds) per connection", "idle", "rss_kib_per_connection", "fds_per_connection"),
    ("churn, routes change every 100 ms: failed connections", "churn", "failed_connections", None),
]


def summary_table(entries: list, workers: int, pinned: bool, peers: list) -> list:
    """Medians of every workload for one setup, peers side by side: the table README.md quotes."""
    label = f"{workers} worker{'s' if workers > 1 else ''}{' pinned' if pinned else ''}"
    lines = [f"| {label} | " + " | ".join(peers) + " |", "|---|" + "---|" * len(peers)]
    for title, workload, headline, second in SUMMARY_ROWS:
        if not any(e["workload"] == workload for e in entries):
            continue
        cells = []
        for peer in peers:
            entry = next((e for e in entries if (e["workload"], e["peer"], e["workers"], e["pinned"]) ==
                          (workload, peer, workers, pinned)), None)
            value = entry["figures"].get(headline) if entry else None
            extra = entry["figures"].get(second) if entry and second else None
            cells.append("–" if value is None else _format(value["median"]) +
                         (f" ({_format(extra['median'])})" if extra else ""))
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    return lines


def markdown(meta: dict, entries: list, workload_order: list) -> str:
    lines = [f"# snigate benchmark, {meta['date']}", "",
             f"Profile {meta['profile']}. Machine: {meta['machine']['cpu']}, {meta['machine']['cpus']} CPUs, "
             f"{meta['machine']['memory_gib']} GiB, Linux {meta['machine']['kernel']}, load average "
             f"{' '.join(meta['machine']['load_average_at_start'])} at the start. "
             f"Peers: " + ", ".join(f"{name} {version}" for name, version in meta["versions"].items() if version) + ".",
             *[f"{', '.join(part['workloads'])}: from a later run, {part['date']}, profile {part['profile']}, "
               f"snigate {part['snigate']}, load average {' '.join(part['load_average_at_start'])} at the start."
               for part in meta.get("merged", [])],
             "", "Each cell: median (min–max) over the runs; ratio is the headline figure over no proxy's.", ""]
    setups = sorted({(e["workers"], e["pinned"]) for e in entries})
    peers = list(dict.fromkeys(e["peer"] for e in entries))
    lines += ["## Summary", "", "Medians; the sections below have min and max, and the other figures.", ""]
    for workers, pinned in setups:
        lines += summary_table(entries, workers, pinned, peers) + [""]
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
                         f"(ratio {_format(ratios['to_no_proxy'])})"
                         + (f"; snigate before {_format(ratios['before'])} (ratio {_format(ratios['to_before'])})."
                            if ratios["before"] is not None else "."))
        lines.append("")
    return "\n".join(lines)


def write_report(results_dir: str, stem: str, meta: dict, entries: list, workloads: list) -> str:
    """Writes <stem>.json, <stem>.md and a chart per workload; returns the Markdown."""
    os.makedirs(results_dir, exist_ok=True)
    write_json(f"{results_dir}/{stem}.json", meta, entries)
    table = markdown(meta, entries, workloads)
    charts = []
    try:
        from .chart import write_chart
        for workload in workloads:
            chart = f"{stem}-{workload}.png"
            write_chart(f"{results_dir}/{chart}", workload, entries)
            charts.append(chart)
    except ImportError as missing:
        log(f"no charts: {missing} (bench/install-peers installs matplotlib)")
    with open(f"{results_dir}/{stem}.md", "w") as out:
        out.write(table + "\n" + "".join(f"![{c}]({c})\n" for c in charts))
    log(f"wrote {results_dir}/{stem}.json, {stem}.md and {len(charts)} charts")
    return table


def merge_runs(base: dict, later: dict) -> dict:
    """A report of `base` whose (workload, peer, workers) results are replaced by those of a later
    run of some workloads, e.g. the slow 32 x 1 GiB bulk runs measured on their own. The meta says
    which workloads came from which run."""
    def key(entry):
        return entry["workload"], entry["peer"], entry["workers"], entry["pinned"]

    replacements = {key(e): e for e in later["results"]}
    entries = [replacements.pop(key(e), e) for e in base["results"]] + list(replacements.values())
    workloads = {e["workload"] for e in entries}
    meta = dict(base["meta"])
    meta["merged"] = meta.get("merged", []) + [{
        "workloads": sorted({e["workload"] for e in later["results"]}, key=WORKLOAD_ORDER.index),
        "date": later["meta"]["date"],
        "profile": later["meta"]["profile"],
        "snigate": later["meta"]["versions"].get(SNIGATE, ""),
        "load_average_at_start": later["meta"]["machine"]["load_average_at_start"],
    }]
    meta["snigate_ratios"] = snigate_ratios_by_setup(entries, [w for w in WORKLOAD_ORDER if w in workloads])
    return {"meta": meta, "results": entries}
