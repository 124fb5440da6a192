#!/usr/bin/env bash
# The controller, run with nothing but the installed release's ServiceAccount token and the flags
# the chart gives its container, routes an annotated Service: a real TLS client reaches the
# Service's backend by name through the dataplane. So the chart's RBAC is enough for the controller,
# and the chart's flags are ones it accepts. Exits 77 (skipped) while the controller lacks the flags.
# SNIGATE_CHART_WATCH_NAMESPACE=1 installs the chart scoped to the backend's namespace (Roles).
set -euo pipefail
source "$(dirname "$0")/../cluster/lib.sh"
source "$(dirname "$0")/chart_env.sh"

build_dir="${SNIGATE_BUILD_DIR:-${REPO_ROOT}/build}"
controller="${build_dir}/bin/snigate-controller"
dataplane="${build_dir}/bin/snigate-dataplane"
skip() {
  echo "$*"
  exit 77
}
[[ -x "${controller}" && -x "${dataplane}" ]] || skip "${build_dir}/bin has no snigate-controller and snigate-dataplane"
help="$("${controller}" --help 2>&1)" || skip "snigate-controller --help fails: the controller is not finished"
for needed in --kubeconfig --dump-snapshot --control-socket --admin-listen; do
  [[ "${help}" == *"${needed}"* ]] || skip "snigate-controller --help lists no ${needed} yet"
done

cluster_up
test_namespace chart-rbac
release_namespace="${TEST_NAMESPACE}"
test_namespace chart-rbac-apps
apps_namespace="${TEST_NAMESPACE}"
release="snigate-${release_namespace##*-}"
hostname="web.${release}.test"
work="$(mktemp -d)"
defer "rm -rf '${work}'"

defer "'${HELM}' uninstall '${release}' --namespace '${release_namespace}' --ignore-not-found"
scope=()
# Scoped to another namespace than the pods', Gateways share the release's Service (the chart
# refuses a Service per Gateway there).
[[ -z "${SNIGATE_CHART_WATCH_NAMESPACE:-}" ]] ||
  scope=(--set "controller.watchNamespace=${apps_namespace},gatewayAPI.addressPerGateway.enabled=false")
"${HELM}" install "${release}" "${CHART}" --namespace "${release_namespace}" --set "ingressClass.name=${release}" \
  "${scope[@]}" >/dev/null 2>&1
"${HELM}" get manifest "${release}" --namespace "${release_namespace}" >"${work}/manifest.yaml"

# The chart's ServiceAccount and its controller container's flags, as installed.
service_account="$(python3 - "${work}/manifest.yaml" <<'PY'
import sys, yaml
print(next(d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["kind"] == "ServiceAccount")["metadata"]["name"])
PY
)"
mapfile -t chart_args < <(python3 - "${work}/manifest.yaml" <<'PY'
import sys, yaml
workload = next(d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["kind"] in ("Deployment", "DaemonSet"))
controller = next(c for c in workload["spec"]["template"]["spec"]["containers"] if c["name"] == "controller")
# Socket and admin address are the pod's; this test gives the processes its own.
args = iter(controller["args"])
for arg in args:
    if arg in ("--control-socket", "--admin-listen"):
        next(args)
    else:
        print(arg)
PY
)

# A kubeconfig holding only a token that the TokenRequest API issued for that ServiceAccount.
token="$(kubectl create token "${service_account}" --namespace "${release_namespace}" --duration 1h)"
server="$(kubectl config view --raw --minify -o jsonpath='{.clusters[0].cluster.server}')"
ca_data="$(kubectl config view --raw --minify -o jsonpath='{.clusters[0].cluster.certificate-authority-data}')"
cat >"${work}/kubeconfig" <<YAML
apiVersion: v1
kind: Config
clusters: [{name: local, cluster: {server: "${server}", certificate-authority-data: "${ca_data}"}}]
users: [{name: ${service_account}, user: {token: "${token}"}}]
contexts: [{name: chart, context: {cluster: local, user: ${service_account}}}]
current-context: chart
YAML
expect_eq "$(KUBECONFIG="${work}/kubeconfig" kubectl auth whoami -o jsonpath='{.status.userInfo.username}')" \
  "system:serviceaccount:${release_namespace}:${service_account}" "the controller's identity"

# A TLS backend with its own certificate in a test host, behind an annotated Service.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "/CN=${hostname}" \
  -keyout "${work}/backend.key" -out "${work}/backend.crt" 2>/dev/null
test_host "${release##*-}"
backend_address="${TEST_HOST_ADDRESS}"
test_host_exec "${release##*-}" openssl s_server -quiet -accept 8443 -cert "${work}/backend.crt" \
  -key "${work}/backend.key" -www </dev/null >/dev/null 2>&1 &
kubectl apply --namespace "${apps_namespace}" -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    snigate.io/hostnames: "${hostname}"
spec:
  ports: [{name: https, port: 443, targetPort: 8443}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-1
  labels: {kubernetes.io/service-name: web}
addressType: IPv4
ports: [{name: https, port: 8443, protocol: TCP}]
endpoints: [{addresses: ["${backend_address}"], conditions: {ready: true}}]
YAML

# The pod's downward-API environment, as the chart sets it.
export POD_NAMESPACE="${release_namespace}" POD_NAME="${release}-test"
snapshot="$("${controller}" --kubeconfig "${work}/kubeconfig" "${chart_args[@]}" --dump-snapshot 2>"${work}/dump.log")" ||
  fail "--dump-snapshot with the chart's RBAC: $(tail -5 "${work}/dump.log")"
python3 -c '
import json, sys
hostname, address = sys.argv[1:]
route = next(r for r in json.load(sys.stdin)["routes"] if r["hostname"] == hostname)
assert any(b["address"] == address and b["port"] == 8443 for b in route["backends"]), route
' "${hostname}" "${backend_address}" <<<"${snapshot}" || fail "the snapshot has no route to the backend: ${snapshot}"
echo "ok --dump-snapshot routes ${hostname} to ${backend_address}:8443"

# Three free loopback ports; the command substitution returns only once Python has let them go.
free_ports="$(python3 -c '
import socket
sockets = [socket.socket() for _ in range(3)]
for s in sockets: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in sockets))')"
read -r client_port dataplane_admin controller_admin <<<"${free_ports}"
"${dataplane}" --listen "127.0.0.1:${client_port}" --control-socket "${work}/control.sock" \
  --admin-listen "127.0.0.1:${dataplane_admin}" >"${work}/dataplane.log" 2>&1 &
dataplane_pid=$!
defer "kill ${dataplane_pid} 2>/dev/null; wait ${dataplane_pid} 2>/dev/null"
"${controller}" --kubeconfig "${work}/kubeconfig" "${chart_args[@]}" --control-socket "${work}/control.sock" \
  --admin-listen "127.0.0.1:${controller_admin}" >"${work}/controller.log" 2>&1 &
defer "kill $! 2>/dev/null; wait $! 2>/dev/null"
# As in a terminating pod, the dataplane stops first: the chart's --wait-for-dataplane keeps the
# controller until then.
defer "kill ${dataplane_pid} 2>/dev/null"

reaches_backend() {
  openssl s_client -connect "127.0.0.1:${client_port}" -servername "${hostname}" </dev/null 2>/dev/null |
    openssl x509 -noout -subject 2>/dev/null | grep "CN *= *${hostname}" >/dev/null
}
wait_until 20 reaches_backend ||
  fail "no TLS connection to ${hostname} through the dataplane; dataplane log: $(tail -5 "${work}/dataplane.log"); controller log: $(tail -10 "${work}/controller.log")"
echo "ok a TLS client reaches ${hostname} through the dataplane"
wait_until 10 curl -fsS "http://127.0.0.1:${controller_admin}/readyz" >/dev/null || fail "controller never ready"
! grep -qi forbidden "${work}/controller.log" || fail "the API refused the controller: $(grep -i forbidden "${work}/controller.log" | head -3)"
echo "ok the controller is ready and was refused nothing"

lease_holder() {
  kubectl get lease "${release}" --namespace "${release_namespace}" -o jsonpath='{.spec.holderIdentity}' 2>/dev/null
}
holds_lease() { [[ "$(lease_holder)" == "${POD_NAME}"* ]]; }
wait_until 20 holds_lease ||
  fail "the controller holds no Lease ${release} in ${release_namespace}: '$(lease_holder)'"
echo "ok the controller leads through the Lease ${release_namespace}/${release}"

# Ingress status comes from the chart's own Service, which lives in the release's namespace: with
# controller.watchNamespace set, that is outside what the controller watches, so it is read directly.
publish_service=""
for ((i = 0; i < ${#chart_args[@]}; i++)); do
  [[ "${chart_args[i]}" != --publish-service ]] || publish_service="${chart_args[i + 1]}"
done
[[ -n "${publish_service}" ]] || fail "the chart gives the controller no --publish-service"
kubectl patch service "${publish_service#*/}" --namespace "${publish_service%/*}" --subresource=status --type=merge \
  -p '{"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.50"}]}}}' >/dev/null
kubectl apply --namespace "${apps_namespace}" -f - >/dev/null <<YAML
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  ingressClassName: ${release}
  rules:
  - host: shop.${release}.test
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 443}}}}
YAML
published_ip() {
  [[ "$(kubectl get ingress shop --namespace "${apps_namespace}" -o jsonpath='{.status.loadBalancer.ingress[0].ip}')" == 192.0.2.50 ]]
}
wait_until 30 published_ip ||
  fail "Ingress status was never written from ${publish_service}; controller log: $(grep -i status "${work}/controller.log" | tail -3)"
echo "ok Ingress status carries the address of ${publish_service}"
