#!/usr/bin/env bash
# A ServiceAccount kubeconfig from `local-cluster sa-kubeconfig` is held to its role: what the
# role grants works, anything else is refused with 403 Forbidden.
# shellcheck source=tests/cluster/lib.sh
source "$(dirname "$0")/lib.sh"

cluster_up
test_namespace rbac
work_dir="$(mktemp -d)"
defer "rm -rf '${work_dir}'"

kubectl create role services-reader -n "${TEST_NAMESPACE}" --verb get,list,watch --resource services >/dev/null
"${LOCAL_CLUSTER}" sa-kubeconfig --namespace "${TEST_NAMESPACE}" --name reader --role services-reader \
  --output "${work_dir}/reader.kubeconfig" 2>/dev/null

as_reader() { kubectl --kubeconfig "${work_dir}/reader.kubeconfig" "$@"; }
expect_eq "$(as_reader get services -n "${TEST_NAMESPACE}" -o name)" "" "granted list of Services"
expect_eq "$(as_reader auth whoami -o jsonpath='{.status.userInfo.username}')" \
  "system:serviceaccount:${TEST_NAMESPACE}:reader" "authenticated as the ServiceAccount"

# The exact status code, straight from the API with the kubeconfig's bearer token.
token="$(awk '$1 == "token:" { print $2 }' "${work_dir}/reader.kubeconfig")"
status_of() {
  curl --silent --output /dev/null --write-out '%{http_code}' --max-time 10 \
    --cacert "${SNIGATE_CLUSTER_CA}" -H "Authorization: Bearer ${token}" "${server}$1"
}
server="$(kubectl config view --raw -o jsonpath='{.clusters[0].cluster.server}')"
SNIGATE_CLUSTER_CA="${work_dir}/ca.crt"
kubectl config view --raw -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' | base64 -d >"${SNIGATE_CLUSTER_CA}"

expect_eq "$(status_of "/api/v1/namespaces/${TEST_NAMESPACE}/services")" 200 "GET services (granted)"
expect_eq "$(status_of "/apis/coordination.k8s.io/v1/namespaces/${TEST_NAMESPACE}/leases")" 403 "GET leases (not granted)"
expect_eq "$(status_of "/api/v1/namespaces/default/services")" 403 "GET services in another namespace (Role is namespaced)"
refused="$(as_reader create service clusterip nope --tcp 443 -n "${TEST_NAMESPACE}" 2>&1 || true)"
expect_contains "${refused}" "is forbidden" "create service (verb not granted)"

# A ClusterRole binds cluster-wide: Services anywhere, still no Secrets. (The built-in 'view' would
# not do: it is aggregated, and the aggregation controller runs in kube-controller-manager.)
cluster_role="${TEST_NAMESPACE}-services-reader"
defer "kubectl delete clusterrole '${cluster_role}'"
defer "kubectl delete clusterrolebinding '${TEST_NAMESPACE}-viewer'"
kubectl create clusterrole "${cluster_role}" --verb get,list,watch --resource services >/dev/null
"${LOCAL_CLUSTER}" sa-kubeconfig --namespace "${TEST_NAMESPACE}" --name viewer --clusterrole "${cluster_role}" \
  --output "${work_dir}/viewer.kubeconfig" 2>/dev/null
token="$(awk '$1 == "token:" { print $2 }' "${work_dir}/viewer.kubeconfig")"
expect_eq "$(status_of "/api/v1/namespaces/default/services")" 200 "ClusterRole: GET services in default"
expect_eq "$(status_of "/api/v1/namespaces/${TEST_NAMESPACE}/secrets")" 403 "ClusterRole: GET secrets"
