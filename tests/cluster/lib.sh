# shellcheck shell=bash
# Sourced by shell tests that run against the local Kubernetes control plane (scripts/local-cluster):
# brings the cluster up once per test run, gives a test its own namespace and test hosts, and
# undoes all of it when the test exits, whether it passed, failed or was interrupted.
#
#   source "$(dirname "$0")/lib.sh"
#   cluster_up                 # KUBECONFIG points at the admin kubeconfig afterwards
#   test_namespace watch       # TEST_NAMESPACE=watch-<random>, deleted at exit
#   test_host web              # TEST_HOST_ADDRESS etc.; backends run with test_host_exec web CMD
#   expect_eq "$(kubectl ...)" "want" "what is compared"

set -euo pipefail

SNIGATE_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOCAL_CLUSTER="${SNIGATE_REPO_ROOT}/scripts/local-cluster"
TEST_HOST="${SNIGATE_REPO_ROOT}/tests/cluster/test-host"
export PATH="${SNIGATE_REPO_ROOT}/.tools/bin:${PATH}"

# Cleanup steps run last-in first-out at exit, so later resources go before what they live in.
CLEANUP_STEPS=()
defer() { CLEANUP_STEPS+=("$1"); }
run_cleanup() {
  local status=$? index
  for ((index = ${#CLEANUP_STEPS[@]} - 1; index >= 0; index--)); do
    eval "${CLEANUP_STEPS[index]}" >/dev/null 2>&1 || echo "cleanup failed: ${CLEANUP_STEPS[index]}" >&2
  done
  CLEANUP_STEPS=()
  return "${status}"
}
trap run_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

expect_eq() {
  [[ "$1" == "$2" ]] || fail "$3: got '$1', want '$2'"
}

expect_contains() {
  [[ "$1" == *"$2"* ]] || fail "$3: '$2' not found in: $1"
}

# A test that finds the cluster down starts it and takes it down again at exit; one that finds
# it running (the runner started it) leaves it running for the next test.
cluster_up() {
  if ! "${LOCAL_CLUSTER}" status >/dev/null 2>&1; then
    defer "'${LOCAL_CLUSTER}' down"
  fi
  eval "$("${LOCAL_CLUSTER}" up)"
  export KUBECONFIG
}

test_namespace() {
  TEST_NAMESPACE="$1-$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  kubectl create namespace "${TEST_NAMESPACE}" >/dev/null
  defer "'${LOCAL_CLUSTER}' delete-namespace '${TEST_NAMESPACE}'"
}

test_host() {
  defer "'${TEST_HOST}' delete '$1'"
  eval "$("${TEST_HOST}" create "$1")"
}

test_host_exec() { "${TEST_HOST}" exec "$@"; }

# wait_until SECONDS COMMAND...: polls COMMAND every 0.2s until it succeeds; fails after SECONDS.
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}
