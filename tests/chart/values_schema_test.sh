#!/usr/bin/env bash
# values.schema.json turns a wrong value into an error at install time instead of a broken pod.
set -euo pipefail
source "$(dirname "$0")/chart_env.sh"

rejected=(
  kind=StatefulSet
  service.type=External
  service.externalTrafficPolicy=Nearest
  service.nodePort=70000
  dataplane.port=443
  'dataplane.listenAddresses[0]=localhost'
  dataplane.drainTimeoutSeconds=-1
  controller.logLevel=loud
  controller.watchNamespace=Not_A_Namespace
  controller.extraArgs=--verbose
  image.pullPolicy=Sometimes
  ingressClass.controllerName=snigate
  podAntiAffinity.type=maybe
  serviceMonitor.interval=often
  replicaCount=3
)
for setting in "${rejected[@]}"; do
  if output="$(render snigate snigate-system defaults --set "${setting}" 2>&1)"; then
    echo "FAIL: --set ${setting} was accepted"
    exit 1
  fi
  [[ "${output}" == *"values don't meet the specifications of the schema"* ]] || {
    echo "FAIL: --set ${setting} failed, but not on the schema: ${output}"
    exit 1
  }
  echo "ok rejected ${setting}"
done

accepted=(kind=DaemonSet service.type=NodePort service.nodePort=30080 dataplane.port=9443 controller.watchNamespace=apps
  podDisruptionBudget.maxUnavailable=50%)
for setting in "${accepted[@]}"; do
  render snigate snigate-system defaults --set "${setting}" >/dev/null || { echo "FAIL: --set ${setting} was rejected"; exit 1; }
  echo "ok accepted ${setting}"
done
