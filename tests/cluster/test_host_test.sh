#!/usr/bin/env bash
# A test host carries a backend at a private address that an EndpointSlice accepts (a loopback
# address it refuses), serves real TLS there, and is gone after its test, even a failing one.
# shellcheck source=tests/cluster/lib.sh
source "$(dirname "$0")/lib.sh"

cluster_up
test_namespace testhost
work_dir="$(mktemp -d)"
defer "rm -rf '${work_dir}'"

test_host backend
expect_contains "${TEST_HOST_ADDRESS}" "10.244." "test host address"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=web.example.test \
  -addext subjectAltName=DNS:web.example.test -keyout "${work_dir}/tls.key" -out "${work_dir}/tls.crt" 2>/dev/null
test_host_exec backend timeout 120 openssl s_server -quiet -www -accept "${TEST_HOST_ADDRESS}:8443" \
  -cert "${work_dir}/tls.crt" -key "${work_dir}/tls.key" >/dev/null 2>&1 &
wait_until 10 bash -c "'${TEST_HOST}' exec backend ss -Hltn 'sport = :8443' | grep -q LISTEN" ||
  fail "the TLS backend did not listen in the test host"
response="$(curl --silent --max-time 10 --cacert "${work_dir}/tls.crt" \
  --resolve "web.example.test:8443:${TEST_HOST_ADDRESS}" https://web.example.test:8443/)"
expect_contains "${response}" "Ciphers supported" "HTTPS answer from the backend in the test host"

slice() {
  kubectl apply -f - 2>&1 <<YAML
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: $1
  namespace: ${TEST_NAMESPACE}
  labels:
    kubernetes.io/service-name: web
addressType: IPv4
ports:
- port: 8443
endpoints:
- addresses: ["$2"]
YAML
}
expect_contains "$(slice web-test-host "${TEST_HOST_ADDRESS}")" "created" "EndpointSlice with the test host's address"
expect_contains "$(slice web-loopback 127.0.0.1 || true)" "loopback" "EndpointSlice with 127.0.0.1 refused"

# A test that fails half-way still removes its host and the processes in it. The sleep's length
# is this shell's own, so that no other "sleep 300" on the machine can fail the check.
DOOMED_SLEEP="300.$$"
if bash -c "source '${SNIGATE_REPO_ROOT}/tests/cluster/lib.sh'
  test_host doomed
  test_host_exec doomed sleep ${DOOMED_SLEEP} &
  sleep 0.5
  fail 'on purpose'" 2>/dev/null; then
  fail "the failing test passed"
fi
expect_eq "$("${TEST_HOST}" list | grep -c '^doomed$' || true)" 0 "test host of a failed test removed"
pgrep -fx "sleep ${DOOMED_SLEEP}" >/dev/null && fail "a process of the failed test's host is still running"
true
