#!/usr/bin/env bash
# Every value set's manifests pass the real kube-apiserver's validation and admission
# (kubectl apply --dry-run=server): field names, enums, the preStop sleep action, RBAC objects,
# the projected token volume, the HorizontalPodAutoscaler and NetworkPolicy.
set -euo pipefail
source "$(dirname "$0")/../cluster/lib.sh"
source "$(dirname "$0")/chart_env.sh"

cluster_up
test_namespace chart-dry-run
release_namespace="${TEST_NAMESPACE}"
test_namespace chart-dry-run-apps
watched_namespace="${TEST_NAMESPACE}"

manifests="$(mktemp)"
defer "rm -f '${manifests}'"
for value_set in "${VALUE_SETS[@]}"; do
  render snigate "${release_namespace}" "${value_set}" --set "controller.watchNamespace=$(
    [[ "${value_set}" == namespace-scoped ]] && echo "${watched_namespace}")" >"${manifests}"
  # No prometheus-operator here, so no monitoring.coreos.com kinds (ServiceMonitor, PodMonitor,
  # PrometheusRule): those objects are left out and said so.
  monitors="$(python3 - "${manifests}" <<'PY'
import sys, yaml
path = sys.argv[1]
documents = [d for d in yaml.safe_load_all(open(path)) if d]
kept = [d for d in documents if not d["apiVersion"].startswith("monitoring.coreos.com/")]
yaml.safe_dump_all(kept, open(path, "w"))
print(" ".join(sorted(d["kind"] for d in documents if d not in kept)))
PY
)"
  want="$(grep -c '^kind: ' "${manifests}")"
  output="$(kubectl apply --dry-run=server -f "${manifests}" 2>&1)" || fail "${value_set}: ${output}"
  got="$(grep -c 'created (server dry run)' <<<"${output}" || true)"
  expect_eq "${got}" "${want}" "${value_set}: objects accepted by the server"
  note=""
  [[ -z "${monitors}" ]] || note=" (left out, no prometheus-operator CRDs here: ${monitors})"
  echo "ok ${value_set}: ${got} objects accepted${note}"
done
