#!/usr/bin/env bash
# The same as controller_with_chart_rbac_test.sh with controller.watchNamespace set: the controller
# routes with the chart's Roles and its one small ClusterRole (IngressClasses, Namespaces,
# GatewayClasses) alone.
SNIGATE_CHART_WATCH_NAMESPACE=1 exec bash "$(dirname "$0")/controller_with_chart_rbac_test.sh"
