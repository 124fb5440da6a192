#!/usr/bin/env bash
# Every value set's manifests pass the real kube-apiserver's validation and admission
# (kubectl apply --dry-run=server): field names, enums, the preStop sleep action, RBAC objects,
# the projected token volume, the HorizontalPodAutoscaler and NetworkPolicy; and each value set's pod
# against the restricted Pod Security Standard.
set -euo pipefail
source "$(dirname "$0")/../cluster/lib.sh"
source "$(dirname "$0")/chart_env.sh"

cluster_up
test_namespace chart-dry-run
release_namespace="${TEST_NAMESPACE}"
test_namespace chart-dry-run-apps
watched_namespace="${TEST_NAMESPACE}"

test_namespace chart-dry-run-restricted
restricted_namespace="${TEST_NAMESPACE}"
kubectl label namespace "${restricted_namespace}" pod-security.kubernetes.io/enforce=restricted >/dev/null
kubectl create serviceaccount pod-security-check --namespace "${restricted_namespace}" >/dev/null

manifests="$(mktemp)"
pod="$(mktemp)"
defer "rm -f '${manifests}' '${pod}'"
for value_set in "${VALUE_SETS[@]}"; do
  # A Grafana dashboard set to go to another namespace goes to one that exists here.
  render snigate "${release_namespace}" "${value_set}" --set "controller.watchNamespace=$(
    [[ "${value_set}" == namespace-scoped ]] && echo "${watched_namespace}")" \
    --set "grafanaDashboard.namespace=${watched_namespace}" >"${manifests}"
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

  # The pod itself, in a namespace that enforces the restricted Pod Security Standard: admitted,
  # unless it takes its node's network or ports, which only a privileged namespace may allow.
  python3 - "${manifests}" "${restricted_namespace}" >"${pod}" <<'PY'
import sys, yaml
workload = next(d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["kind"] in ("Deployment", "DaemonSet"))
template = workload["spec"]["template"]
# The release's ServiceAccount lives in the release namespace; admission wants one that exists here.
pod = {"apiVersion": "v1", "kind": "Pod", "spec": {**template["spec"], "serviceAccountName": "pod-security-check"},
       "metadata": {"name": "pod-security-check", "namespace": sys.argv[2], "labels": template["metadata"]["labels"]}}
yaml.safe_dump(pod, sys.stdout)
PY
  if grep -qE '^ *(hostNetwork: true|hostPort: )' "${pod}"; then
    if output="$(kubectl create --dry-run=server -f "${pod}" 2>&1)"; then
      fail "${value_set}: a pod on its node's network or ports was admitted under the restricted standard"
    fi
    expect_contains "${output}" 'violates PodSecurity "restricted'
    echo "ok ${value_set}: its pod needs a namespace that allows host networking or ports (restricted refuses it)"
  else
    output="$(kubectl create --dry-run=server -f "${pod}" 2>&1)" || fail "${value_set}: restricted refused the pod: ${output}"
    echo "ok ${value_set}: its pod is admitted under the restricted Pod Security Standard"
  fi
done
