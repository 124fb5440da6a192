"""The benchmark report's pure parts: ratios to the best peer and to no proxy, and folding a later
run of some workloads into an earlier report (bench/merge)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "bench"))

from harness.report import markdown, merge_runs, snigate_ratios  # noqa: E402


def entry(workload, peer, workers, value, figure="gbit_per_s"):
    return {"workload": workload, "peer": peer, "workers": workers, "pinned": workers == 1,
            "figures": {figure: {"median": value, "min": value, "max": value, "runs": [value]}}}


def report(date, snigate, profile, results):
    machine = {"cpu": "test", "cpus": 2, "memory_gib": 1, "kernel": "6", "load_average_at_start": ["0.1", "0.2", "0.3"]}
    return {"meta": {"date": date, "profile": profile, "machine": machine,
                     "versions": {"no proxy": "", "nginx": "1", "snigate": snigate}},
            "results": results}


def test_ratios_compare_snigate_with_the_best_other_proxy_and_with_no_proxy():
    entries = [entry("bulk_32conn_one_way", "no proxy", 1, 20.0), entry("bulk_32conn_one_way", "nginx", 1, 8.0),
               entry("bulk_32conn_one_way", "go proxy", 1, 12.0), entry("bulk_32conn_one_way", "snigate", 1, 15.0)]
    ratios = snigate_ratios(entries, "bulk_32conn_one_way", 1)
    assert ratios["best_peer"] == "go proxy"
    assert ratios["to_best_peer"] == 15.0 / 12.0
    assert ratios["to_no_proxy"] == 15.0 / 20.0


def test_an_earlier_snigate_build_is_compared_with_but_never_the_best_peer():
    entries = [entry("bulk_1conn_one_way", "no proxy", 1, 20.0), entry("bulk_1conn_one_way", "go proxy", 1, 10.0),
               entry("bulk_1conn_one_way", "snigate before", 1, 16.0), entry("bulk_1conn_one_way", "snigate", 1, 12.0)]
    ratios = snigate_ratios(entries, "bulk_1conn_one_way", 1)
    assert ratios["best_peer"] == "go proxy"
    assert ratios["to_before"] == 12.0 / 16.0


def test_lower_is_better_for_idle_memory():
    entries = [entry("idle", "haproxy", 1, 3.0, "rss_kib_per_connection"),
               entry("idle", "nginx", 1, 16.0, "rss_kib_per_connection"),
               entry("idle", "snigate", 1, 2.0, "rss_kib_per_connection")]
    ratios = snigate_ratios(entries, "idle", 1)
    assert ratios["best_peer"] == "haproxy"
    assert ratios["to_no_proxy"] is None


def test_a_later_run_replaces_only_its_own_workloads_and_is_named_in_the_report():
    base = report("2026-11-28T13:51:55", "ff83e6c", "full, 128 MiB on each of 32", [
        entry("bulk_1conn_one_way", "no proxy", 1, 10.0), entry("bulk_1conn_one_way", "snigate", 1, 13.0),
        entry("bulk_32conn_one_way", "no proxy", 1, 17.0), entry("bulk_32conn_one_way", "nginx", 1, 6.0),
        entry("bulk_32conn_one_way", "snigate", 1, 14.0), entry("bulk_32conn_one_way", "snigate", 2, 20.0)])
    later = report("2026-11-28T15:28:46", "db68566", "full, 1024 MiB on each of 32", [
        entry("bulk_32conn_one_way", "no proxy", 1, 18.0), entry("bulk_32conn_one_way", "nginx", 1, 9.0),
        entry("bulk_32conn_one_way", "snigate", 1, 15.0)])

    merged = merge_runs(base, later)

    values = {(e["workload"], e["peer"], e["workers"]): e["figures"]["gbit_per_s"]["median"] for e in merged["results"]}
    assert values == {("bulk_1conn_one_way", "no proxy", 1): 10.0, ("bulk_1conn_one_way", "snigate", 1): 13.0,
                      ("bulk_32conn_one_way", "no proxy", 1): 18.0, ("bulk_32conn_one_way", "nginx", 1): 9.0,
                      ("bulk_32conn_one_way", "snigate", 1): 15.0, ("bulk_32conn_one_way", "snigate", 2): 20.0}
    assert merged["meta"]["snigate_ratios"]["bulk_32conn_one_way/1"]["to_no_proxy"] == 15.0 / 18.0
    assert merged["meta"]["merged"] == [{"workloads": ["bulk_32conn_one_way"], "date": "2026-11-28T15:28:46",
                                         "profile": "full, 1024 MiB on each of 32", "snigate": "db68566",
                                         "load_average_at_start": ["0.1", "0.2", "0.3"]}]
    assert base["meta"].get("merged") is None, "the earlier report is not modified"
    text = markdown(merged["meta"], merged["results"], ["bulk_1conn_one_way", "bulk_32conn_one_way"])
    assert "bulk_32conn_one_way: from a later run, 2026-11-28T15:28:46, profile full, 1024 MiB on each of 32" in text
