#!/usr/bin/env bash
# Two releases of one name in two namespaces (a staging and a production gateway, say) install side
# by side: no cluster-scoped object of one is named like the other's. Uninstalling one leaves the
# other whole.
set -euo pipefail
source "$(dirname "$0")/../cluster/lib.sh"
source "$(dirname "$0")/chart_env.sh"

cluster_up
test_namespace chart-twin-a
first="${TEST_NAMESPACE}"
test_namespace chart-twin-b
second="${TEST_NAMESPACE}"
release="snigate-${first##*-}"
for namespace in "${first}" "${second}"; do
  defer "'${HELM}' uninstall '${release}' --namespace '${namespace}' --ignore-not-found --wait >/dev/null"
  output="$("${HELM}" install "${release}" "${CHART}" --namespace "${namespace}" \
    --set "ingressClass.name=${release}-${namespace##*-}" 2>&1)" ||
    fail "release ${release} in ${namespace} did not install: ${output}"
  echo "ok ${release} installed in ${namespace}"
done

cluster_roles() {  # namespace -> the ClusterRoles of that namespace's release
  kubectl get clusterroles -l "app.kubernetes.io/instance=${release}" -o json | python3 -c '
import json, sys
namespace = sys.argv[1]
for role in json.load(sys.stdin)["items"]:
    if role["metadata"]["annotations"].get("meta.helm.sh/release-namespace") == namespace:
        print(role["metadata"]["name"])' "$1"
}
first_roles="$(cluster_roles "${first}")"
second_roles="$(cluster_roles "${second}")"
[[ -n "${first_roles}" && -n "${second_roles}" && "${first_roles}" != "${second_roles}" ]] ||
  fail "each release needs its own ClusterRole: '${first_roles}' and '${second_roles}'"
echo "ok ClusterRoles ${first_roles} and ${second_roles}"

"${HELM}" uninstall "${release}" --namespace "${first}" --wait >/dev/null
expect_eq "$(cluster_roles "${first}")" "" "ClusterRoles of the uninstalled release"
expect_eq "$(cluster_roles "${second}")" "${second_roles}" "ClusterRoles of the other release"
binding="$(kubectl get clusterrolebinding "${second_roles}" -o jsonpath='{.roleRef.name} {.subjects[0].namespace}')"
expect_eq "${binding}" "${second_roles} ${second}" "the other release's ClusterRoleBinding"
echo "ok uninstalling one release leaves the other's RBAC whole"
