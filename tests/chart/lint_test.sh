#!/usr/bin/env bash
# helm lint --strict passes for the chart's defaults and every value set the tests use, and each
# one's NOTES tell the user how to annotate a Service and test it with openssl s_client, at a
# node's address and port when the pods hold their nodes' ports.
set -euo pipefail
source "$(dirname "$0")/chart_env.sh"

for value_set in "${VALUE_SETS[@]}"; do
  # shellcheck disable=SC2046
  output="$("${HELM}" lint --strict "${CHART}" --namespace snigate-system $(values_args "${value_set}") 2>&1)" || {
    echo "FAIL: helm lint --strict with ${value_set}:"
    echo "${output}"
    exit 1
  }
  # shellcheck disable=SC2046
  notes="$("${HELM}" install snigate "${CHART}" --dry-run=client --namespace snigate-system \
    $(values_args "${value_set}") 2>/dev/null | sed -n '/^NOTES:/,$p')"
  for wanted in "snigate.io/hostnames=" "openssl s_client -connect \"\$ADDRESS:\$PORT\" -servername" "ADDRESS=" "PORT="; do
    [[ "${notes}" == *"${wanted}"* ]] || { echo "FAIL: NOTES with ${value_set} lack '${wanted}':"; echo "${notes}"; exit 1; }
  done
  # Pods on their nodes' own ports are reached at a node's address, not through the Service.
  if grep -qE '^(hostNetwork: true|  hostPort: [0-9])' "${CHART_TESTS}/values/${value_set}.yaml" 2>/dev/null; then
    port="$(sed -n 's/^ *PORT=//p' <<<"${notes}")"
    for wanted in ".status.hostIP" "ADDRESS=<the hostIP of one of them>"; do
      [[ "${notes}" == *"${wanted}"* ]] || { echo "FAIL: NOTES with ${value_set} lack '${wanted}':"; echo "${notes}"; exit 1; }
    done
    [[ "${port}" =~ ^[0-9]+$ ]] || { echo "FAIL: NOTES with ${value_set} give no node port: PORT=${port}"; exit 1; }
  fi
  echo "ok ${value_set}"
done
