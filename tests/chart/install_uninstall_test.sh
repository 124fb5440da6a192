#!/usr/bin/env bash
# helm install puts every object of the chart into the cluster (pods do not run: no nodes), and
# helm uninstall takes all of them away again: the namespace is empty, no cluster-wide object stays.
set -euo pipefail
source "$(dirname "$0")/../cluster/lib.sh"
source "$(dirname "$0")/chart_env.sh"

cluster_up
test_namespace chart-install
release="snigate-${TEST_NAMESPACE##*-}"
class="${release}"
defer "'${HELM}' uninstall '${release}' --namespace '${TEST_NAMESPACE}' --ignore-not-found"

"${HELM}" install "${release}" "${CHART}" --namespace "${TEST_NAMESPACE}" --set "ingressClass.name=${class}" \
  2>/dev/null >/dev/null
expect_eq "$("${HELM}" status "${release}" --namespace "${TEST_NAMESPACE}" -o json |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["info"]["status"])')" deployed "release status"

objects="$("${HELM}" get manifest "${release}" --namespace "${TEST_NAMESPACE}" | python3 -c '
import sys, yaml
for d in yaml.safe_load_all(sys.stdin):
    if d:
        print(d["kind"], d["metadata"]["name"], d["metadata"].get("namespace", "-"))')"
count=0
while read -r kind name namespace; do
  scope=(); [[ "${namespace}" == - ]] || scope=(--namespace "${namespace}")
  kubectl get "${kind}" "${name}" "${scope[@]}" -o name >/dev/null || fail "installed ${kind} ${name} not found"
  count=$((count + 1))
done <<<"${objects}"
echo "ok installed: ${count} objects present"

"${HELM}" uninstall "${release}" --namespace "${TEST_NAMESPACE}" >/dev/null
while read -r kind name namespace; do
  scope=(); [[ "${namespace}" == - ]] || scope=(--namespace "${namespace}")
  [[ -z "$(kubectl get "${kind}" "${name}" "${scope[@]}" --ignore-not-found -o name)" ]] ||
    fail "${kind} ${name} is still there after uninstall"
done <<<"${objects}"

# Nothing else either: every namespaced kind in the namespace, Helm's release records included.
left="$(kubectl api-resources --verbs=list --namespaced -o name | paste -sd, |
  xargs -I{} kubectl get {} --namespace "${TEST_NAMESPACE}" --ignore-not-found -o name 2>/dev/null)"
expect_eq "${left}" "" "objects left in the namespace"
for kind in clusterroles clusterrolebindings ingressclasses; do
  expect_eq "$(kubectl get "${kind}" -l "app.kubernetes.io/instance=${release}" -o name)" "" "${kind} left"
done
echo "ok uninstalled: nothing left in ${TEST_NAMESPACE} or cluster-wide"
