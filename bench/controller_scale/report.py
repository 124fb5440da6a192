"""The scale benchmark's result: latency summaries, the JSON file and its Markdown summary."""

import json
import math
import os


def summarize_latencies(samples_ms: list) -> dict:
    """p50, p99 (nearest rank), max and mean in ms; None for each when there are no samples."""
    ordered = sorted(samples_ms)

    def rank(p):
        return round(ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)], 2) if ordered else None

    return {"n": len(ordered), "p50": rank(50), "p99": rank(99), "max": rank(100),
            "mean": round(sum(ordered) / len(ordered), 2) if ordered else None}


def _ms(value) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f} ms" if value >= 100 else f"{value:.1f} ms"


def _mib(kib) -> str:
    return "–" if kib is None else f"{kib / 1024:.0f} MiB"


def _change_rows(title: str, phase: dict, milestone: str = None, noun: str = "changes") -> list:
    """Rows for a change phase's time to held, or to one of its milestones."""
    figures = phase.get("milestones", {}).get(milestone) if milestone else phase
    note = f"{phase['done']} of {phase['requested']} {noun}"
    if phase["stopped_by_time_limit"]:
        note += f", stopped by the {phase['time_limit_s']} s time limit"
    if phase["timeouts"]:
        note += f", {phase['timeouts']} not held within {phase['change_timeout_s']} s"
    rows = []
    for basis, key in (("from the API write returning", "from_write_return_ms"), ("from just before the write", "from_send_ms")):
        summary = figures[key] if figures else {"p50": None, "p99": None, "max": None}
        rows.append(f"| {title}, {basis} | p50 {_ms(summary['p50'])}, p99 {_ms(summary['p99'])}, "
                    f"max {_ms(summary['max'])} ({note}) |")
    return rows


def markdown(result: dict) -> str:
    meta = result["meta"]
    machine = meta["machine"]
    sizes = meta["sizes"]
    creation = result["creation"]
    sync = result["initial_sync"]
    dump = result["dump_snapshot"]
    memory = result["controller_memory"]
    lines = [
        f"# snigate controller at scale, {meta['date']}", "",
        f"{sizes['services']:,} annotated Services, {sizes['endpoint_slices']:,} EndpointSlices, "
        f"{sizes['ingresses']:,} Ingresses ({sizes['expected_routes']:,} routes) on the local control plane "
        f"(etcd + kube-apiserver on loopback). snigate {meta['snigate']['commit']} "
        f"(controller `{meta['snigate']['controller_version']}`). Machine: {machine['cpu']}, {machine['cpus']} CPUs, "
        f"{machine['memory_gib']} GiB, Linux {machine['kernel']}; load average "
        f"{' '.join(machine['load_average_at_start'])} at the start, {' '.join(meta['load_average_at_end'])} at the end. "
        f"The run took {meta['duration_s']:,} s: `{meta.get('command', 'bench/controller-scale')}`.", "",
        "| figure | value |", "|---|---|",
        f"| objects created ({creation['objects']:,}, {creation['concurrency']} connections) | "
        f"{creation['seconds']:.1f} s, {creation['per_s']:,.0f} objects/s |",
        f"| initial sync: controller start to the first acknowledged snapshot with every route | "
        f"{sync['seconds']:.2f} s (first generation at {sync['seconds_to_first_generation']:.2f} s) |"
        if sync["seconds"] is not None else "| initial sync | not reached within its time limit |",
        f"| snapshot held by the dataplane | {result['snapshot']['bytes']:,} bytes, {result['snapshot']['routes']:,} routes |",
        f"| controller RSS after sync (VmRSS / VmHWM) | {_mib(memory['after_sync']['vmrss_kib'])} / "
        f"{_mib(memory['after_sync']['vmhwm_kib'])} |",
        f"| controller RSS at the end (VmRSS / VmHWM) | {_mib(memory['end']['vmrss_kib'])} / {_mib(memory['end']['vmhwm_kib'])} |",
        f"| `--dump-snapshot` | {dump['wall_s']:.2f} s wall, peak RSS {_mib(dump['peak_rss_kib'])}, "
        f"{dump['bytes']:,} bytes (pretty-printed) |",
        *_change_rows("EndpointSlice change to the dataplane holding it", result["endpointslice_change"]),
        *_change_rows("`snigate.io/hostnames` change to the dataplane holding the new name", result["annotation_change"]),
        *_create_rows(result),
        f"| final content equals the expected routes | {'yes' if result['final_content_verified'] else 'NO'} |",
        "", "Phases (wall seconds): " + ", ".join(f"{name} {seconds:,.1f}" for name, seconds in result["phases_s"].items()) + ".",
    ]
    lines += [f"", *[f"Note: {note}" for note in meta["notes"]]] if meta["notes"] else []
    return "\n".join(lines) + "\n"


def _create_rows(result: dict) -> list:
    routes, services = result.get("tlsroute_create"), result.get("service_create")
    if not routes:
        return []
    return [
        *_change_rows("TLSRoute created (fresh name, existing Service) to the dataplane holding its name", routes, noun="creates"),
        *_change_rows("TLSRoute created to its `Accepted` True from snigate (a watch)", routes, "accepted", noun="creates"),
        *_change_rows("annotated Service created (its EndpointSlice first) to the dataplane holding its name", services,
                      noun="creates"),
        "| annotated Service created to `Accepted` | none exists: a Service carries no such condition |",
    ]


def write_result(results_dir: str, stem: str, result: dict) -> str:
    os.makedirs(results_dir, exist_ok=True)
    json_path = os.path.join(results_dir, f"{stem}.json")
    with open(json_path, "w") as out:
        json.dump(result, out, indent=1)
        out.write("\n")
    with open(os.path.join(results_dir, f"{stem}.md"), "w") as out:
        out.write(markdown(result))
    return json_path
