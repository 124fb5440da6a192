#!/usr/bin/env bash
# bench/controller-scale at a small size (50 Services, 10 Ingresses, 10 + 5 changes, 5 TLSRoute and
# 5 Service creates), so the benchmark cannot rot: its result file has every figure, the routes arrived
# and every TLSRoute was Accepted. Timings are not checked.
# Needs build/bin/snigate-controller and snigate-dataplane (the test command builds them first).
# shellcheck source=tests/cluster/lib.sh
source "$(dirname "$0")/lib.sh"

cluster_up
bin="${SNIGATE_REPO_ROOT}/build/bin"
[[ -x "${bin}/snigate-controller" && -x "${bin}/snigate-dataplane" ]] || fail "build snigate-controller and snigate-dataplane in build/ first"
results="$(mktemp -d)"
defer "rm -rf '${results}'"

"${SNIGATE_REPO_ROOT}/bench/controller-scale" --services 50 --ingresses 10 --changes 10 --annotation-changes 5 --creates 5 \
  --changes-time-limit 60 --change-timeout 20 --sync-timeout 60 --create-timeout 60 \
  --controller "${bin}/snigate-controller" --dataplane "${bin}/snigate-dataplane" \
  --results-dir "${results}" --results-name smoke || fail "bench/controller-scale failed"

[[ -s "${results}/smoke.md" ]] || fail "no Markdown summary"
python3 - "${results}/smoke.json" <<'EOF' || fail "the result file is not what docs/benchmarks.md describes"
import json, sys
result = json.load(open(sys.argv[1]))
assert result["meta"]["sizes"] == {"services": 50, "endpoint_slices": 50, "ingresses": 10, "expected_routes": 60}, result["meta"]["sizes"]
assert result["meta"]["snigate"]["commit"] and result["meta"]["machine"]["load_average_at_start"]
assert result["creation"]["objects"] == 110 and result["creation"]["per_s"] > 0
assert result["dump_snapshot"]["routes"] == 60 and result["dump_snapshot"]["peak_rss_kib"] > 0
sync = result["initial_sync"]
assert sync["routes"] == 60 and sync["content_verified"] and sync["seconds"] > 0, sync
assert result["snapshot"]["bytes"] > 0 and result["snapshot"]["routes"] == 60
for moment in ("after_sync", "end"):
    assert result["controller_memory"][moment]["vmrss_kib"] > 0
    assert result["controller_memory"][moment]["vmhwm_kib"] >= result["controller_memory"][moment]["vmrss_kib"]
for phase, count in (("endpointslice_change", 10), ("annotation_change", 5), ("tlsroute_create", 5), ("service_create", 5)):
    figures = result[phase]
    assert figures["done"] == count and figures["timeouts"] == 0, (phase, figures)
    for timed in (figures, *figures.get("milestones", {}).values()):
        for basis in ("from_write_return_ms", "from_send_ms"):
            assert timed[basis]["n"] == count and timed[basis]["p50"] <= timed[basis]["p99"] <= timed[basis]["max"]
assert list(result["tlsroute_create"]["milestones"]) == ["accepted"], "every TLSRoute's Accepted is timed"
assert "milestones" not in result["service_create"], "a Service has no Accepted"
assert result["final_content_verified"] is True
print("result file complete; every route arrived; every TLSRoute was Accepted")
EOF
