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
  'controller.extraArgs={verbose}'
  'dataplane.extraArgs={idle-timeout,10m}'
  image.digest=latest
  service.ipFamilyPolicy=DualStack
  'service.ipFamilies={IPv4,IPv5}'
  dataplane.adminAddress=localhost
  dataplane.hostPort=70000
  podDisruptionBudget.minAvailable=half
  controller.startupProbe.path=/
  autoscaling.maxReplicas=0
  fullnameOverride=Not_A_Name
  image.pullPolicy=Sometimes
  ingressClass.controllerName=snigate
  podAntiAffinity.type=maybe
  serviceMonitor.interval=often
  replicaCount=3
  dataplane.proxyProtocol.enabled=true
  'dataplane.proxyProtocol.trustedCIDRs={nlb.example.com}'
  grafanaDashboard.enable=true
  'grafanaDashboard.labelKey=grafana dashboard'
  grafanaDashboard.labelValue=-1-
  grafanaDashboard.namespace=Monitoring
  dataplane.outlierDetection.ejectionSeconds=0
  dataplane.outlierDetection.consecutiveFailures=-1
  dataplane.accessLog.sample=2
  dataplane.accessLog.enabled=yes
  gatewayAPI.installCrds=true
  gatewayAPI.controllerName=snigate
  gatewayAPI.gatewayClass.name=Not_A_Name
  gatewayAPI.enabled=auto
  gatewayAPI.addressPerGateway.dataplanePorts=10443
  gatewayAPI.addressPerGateway.dataplanePorts=443-458
  gatewayAPI.addressPerGateway.serviceType=External
  gatewayAPI.addressPerGateway.ports=10443-10458
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

accepted=(kind=DaemonSet service.type=NodePort service.nodePort=30080 dataplane.port=9443
  controller.watchNamespace=apps,gatewayAPI.addressPerGateway.enabled=false controller.watchNamespace=snigate-system
  podDisruptionBudget.maxUnavailable=50% global.imageRegistry=registry.example 'global.labels.team=edge'
  'controller.extraArgs={--push-max-delay,50ms}' 'dataplane.extraArgs={--idle-timeout=10m,--max-connections,1000}'
  controller.adminAddress=0.0.0.0 'dataplane.adminAddress=[::]' service.ipFamilyPolicy=RequireDualStack
  gatewayAPI.installCRDs=true gatewayAPI.enabled=false 'gatewayAPI.controllerName=example.com/edge'
  'dataplane.proxyProtocol.enabled=true,dataplane.proxyProtocol.trustedCIDRs={10.0.0.0/16}'
  'grafanaDashboard.enabled=true,grafanaDashboard.labelValue=1'
  'grafanaDashboard.labelKey=grafana.example.com/dashboard,grafanaDashboard.namespace=monitoring'
  'gatewayAPI.addressPerGateway.dataplanePorts=20000-20000,gatewayAPI.addressPerGateway.serviceType=ClusterIP'
  gatewayAPI.addressPerGateway.enabled=false)
for setting in "${accepted[@]}"; do
  render snigate snigate-system defaults --set "${setting}" >/dev/null || { echo "FAIL: --set ${setting} was rejected"; exit 1; }
  echo "ok accepted ${setting}"
done

# What a schema cannot say across items or values, the templates refuse with a message.
refused_by_template=(
  'controller.extraArgs={--push-max-delay,50ms,100ms}|controller.extraArgs: "100ms" is neither a --flag nor the value'
  'dataplane.extraArgs={--idle-timeout=10m,20m}|dataplane.extraArgs: "20m" is neither a --flag nor the value'
  'kind=DaemonSet,podDisruptionBudget.minAvailable=50%|a DaemonSet takes an integer'
  'kind=DaemonSet,autoscaling.enabled=true|autoscaling.enabled needs kind: Deployment'
  'hostNetwork=true,dataplane.hostPort=443|with hostNetwork the node'"'"'s port is dataplane.port'
  'gatewayAPI.addressPerGateway.dataplanePorts=10458-10443|want FIRST-LAST with 1024 <= FIRST <= LAST <= 65535'
  'gatewayAPI.addressPerGateway.dataplanePorts=65530-70000|want FIRST-LAST with 1024 <= FIRST <= LAST <= 65535'
  'gatewayAPI.addressPerGateway.dataplanePorts=8000-9000|includes dataplane.port 8443'
  'controller.watchNamespace=apps|the Gateways'"'"' Services must be in the namespace the controller watches'
)
for case in "${refused_by_template[@]}"; do
  setting="${case%%|*}" wanted="${case#*|}"
  if output="$(render snigate snigate-system defaults --set "${setting}" 2>&1)"; then
    echo "FAIL: --set ${setting} was accepted"
    exit 1
  fi
  [[ "${output}" == *"${wanted}"* ]] || { echo "FAIL: --set ${setting} failed without saying '${wanted}': ${output}"; exit 1; }
  echo "ok refused ${setting}"
done
