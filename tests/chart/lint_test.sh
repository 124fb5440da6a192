#!/usr/bin/env bash
# helm lint --strict passes for the chart's defaults and every value set the tests use.
set -euo pipefail
source "$(dirname "$0")/chart_env.sh"

for value_set in "${VALUE_SETS[@]}"; do
  # shellcheck disable=SC2046
  output="$("${HELM}" lint --strict "${CHART}" --namespace snigate-system $(values_args "${value_set}") 2>&1)" || {
    echo "FAIL: helm lint --strict with ${value_set}:"
    echo "${output}"
    exit 1
  }
  echo "ok ${value_set}"
done
