# shellcheck shell=bash
# Sourced by the chart tests: where helm, the chart and the value sets are, and how a value set renders.
CHART_TESTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${CHART_TESTS}/../.." && pwd)"
CHART="${REPO_ROOT}/charts/snigate"
HELM="${REPO_ROOT}/.tools/bin/helm"
# Each value set by name; "defaults" is the chart's own values.yaml.
# shellcheck disable=SC2034  # used by the tests that source this file
VALUE_SETS=(defaults daemonset-host-network deployment-host-network namespace-scoped nodeport every-option production)

values_args() {  # value set name -> helm arguments
  [[ "$1" == defaults ]] || echo "--values=${CHART_TESTS}/values/$1.yaml"
}

# render RELEASE NAMESPACE VALUE_SET [helm args...]: the manifests on stdout; helm's stderr is
# shown only when rendering fails.
render() {
  local release="$1" namespace="$2" value_set="$3" errors status
  shift 3
  errors="$(mktemp)"
  # shellcheck disable=SC2046
  "${HELM}" template "${release}" "${CHART}" --namespace "${namespace}" $(values_args "${value_set}") "$@" 2>"${errors}"
  status=$?
  ((status == 0)) || cat "${errors}" >&2
  rm -f "${errors}"
  return "${status}"
}
