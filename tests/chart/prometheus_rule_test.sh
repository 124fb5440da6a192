#!/usr/bin/env bash
# The chart's PrometheusRule alerts when routing breaks and stays quiet otherwise: promtool (from
# Debian's prometheus package, only its promtool binary, into .tools/promtool) checks the rules and
# runs them over synthetic series scraped the way the chart's PodMonitor labels them; every metric
# the rules read is one the programs export.
set -euo pipefail
source "$(dirname "$0")/chart_env.sh"
promtool="${REPO_ROOT}/.tools/promtool/promtool"

if ! "${promtool}" --version >/dev/null 2>&1; then
  download="$(mktemp -d)"
  (cd "${download}" && apt-get download prometheus >/dev/null 2>&1) ||
    { echo "FAIL: apt-get download prometheus failed (promtool comes from Debian's package)"; exit 1; }
  dpkg-deb -x "${download}"/prometheus_*.deb "${download}/root"
  install -D -m 0755 "${download}/root/usr/bin/promtool" "${promtool}"
  rm -rf "${download}"
fi
"${promtool}" --version | head -1

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
render snigate snigate-system defaults --set prometheusRule.enabled=true --set podMonitor.enabled=true |
  python3 -c '
import sys, yaml
rule = next(d for d in yaml.safe_load_all(sys.stdin) if d and d["kind"] == "PrometheusRule")
yaml.safe_dump(rule["spec"], sys.stdout)' >"${work}/rules.yaml"
"${promtool}" check rules "${work}/rules.yaml"

# Every metric named in an expression is exported by the dataplane or the controller.
for metric in $(grep -o 'snigate_[a-z_]*' "${work}/rules.yaml" | sort -u); do
  grep -q "\"${metric}\"" "${REPO_ROOT}/dataplane/metrics/prometheus_text.cpp" "${REPO_ROOT}/controller/telemetry/controller_metrics.cpp" ||
    { echo "FAIL: the rules read ${metric}, which neither program exports"; exit 1; }
  echo "ok ${metric} is exported"
done

# The PodMonitor's job label is "<namespace>/<name>"; a second release's series must not alert here.
cat >"${work}/test.yaml" <<'YAML'
rule_files: [rules.yaml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'snigate_snapshot_last_applied_timestamp_seconds{job="snigate-system/snigate", pod="snigate-a", container="dataplane"}'
        values: '0x30'
      - series: 'snigate_snapshot_last_applied_timestamp_seconds{job="snigate-system/snigate", pod="snigate-b", container="dataplane"}'
        values: '1764556800x30'
      - series: 'snigate_snapshot_last_applied_timestamp_seconds{job="other/snigate", pod="snigate-c", container="dataplane"}'
        values: '0x30'
      - series: 'snigate_snapshots_rejected_total{job="snigate-system/snigate", pod="snigate-a", container="dataplane"}'
        values: '0 0 0 0 0 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1'
      - series: 'snigate_snapshots_rejected_total{job="snigate-system/snigate", pod="snigate-b", container="dataplane"}'
        values: '0x30'
      # Route a: 10 of every 110 connections find no backend (9 %); route b: 1 of 101 (1 %).
      - series: 'snigate_connections_total{job="snigate-system/snigate", pod="snigate-a", namespace="snigate-system", container="dataplane", route="a.example.com", outcome="ok"}'
        values: '0+100x30'
      - series: 'snigate_connections_total{job="snigate-system/snigate", pod="snigate-a", namespace="snigate-system", container="dataplane", route="a.example.com", outcome="connect_failed"}'
        values: '0+10x30'
      - series: 'snigate_connections_total{job="snigate-system/snigate", pod="snigate-a", namespace="snigate-system", container="dataplane", route="b.example.com", outcome="ok"}'
        values: '0+100x30'
      - series: 'snigate_connections_total{job="snigate-system/snigate", pod="snigate-a", namespace="snigate-system", container="dataplane", route="b.example.com", outcome="connect_failed"}'
        values: '0+1x30'
      - series: 'snigate_controller_push_failures_total{job="snigate-system/snigate", pod="snigate-a", container="controller"}'
        values: '0+2x30'
      - series: 'snigate_controller_push_failures_total{job="snigate-system/snigate", pod="snigate-b", container="controller"}'
        values: '3x30'
    alert_rule_test:
      - eval_time: 5m
        alertname: SnigateDataplaneWithoutSnapshot
        exp_alerts: []
      - eval_time: 15m
        alertname: SnigateDataplaneWithoutSnapshot
        exp_alerts:
          - exp_labels: {severity: critical, job: snigate-system/snigate, pod: snigate-a, container: dataplane}
            exp_annotations:
              summary: A dataplane has applied no route snapshot
              description: "snigate-a holds no routes: it refuses every client and stays unready. Check the controller container's log (API access, control socket)."
      - eval_time: 4m
        alertname: SnigateSnapshotsRejected
        exp_alerts: []
      - eval_time: 6m
        alertname: SnigateSnapshotsRejected
        exp_alerts:
          - exp_labels: {severity: warning, job: snigate-system/snigate, pod: snigate-a, container: dataplane}
            exp_annotations:
              summary: A dataplane refused route snapshots
              description: "snigate-a refused 1 snapshots; it keeps serving its previous routes, so cluster changes are not applied. The reason is in the controller's log (\"the dataplane rejected the snapshot\")."
      - eval_time: 25m
        alertname: SnigateSnapshotsRejected
        exp_alerts: []
      - eval_time: 20m
        alertname: SnigateBackendConnectFailures
        exp_alerts:
          - exp_labels: {severity: warning, namespace: snigate-system, pod: snigate-a, route: a.example.com}
            exp_annotations:
              summary: Clients of a route fail to reach its backends
              description: "9.091% of the connections to a.example.com through snigate-a found no backend that accepted the connection."
      - eval_time: 20m
        alertname: SnigateControllerCannotPush
        exp_alerts:
          - exp_labels: {severity: critical, job: snigate-system/snigate, pod: snigate-a, container: controller}
            exp_annotations:
              summary: A controller cannot reach its dataplane
              description: "The controller in snigate-a fails to push snapshots over the control socket: the dataplane's routes no longer follow the cluster."
YAML
(cd "${work}" && "${promtool}" test rules test.yaml)
echo "ok each alert fires for the broken pod or route only"
