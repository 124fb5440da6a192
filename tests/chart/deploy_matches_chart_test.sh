#!/usr/bin/env bash
# deploy/ holds exactly what scripts/render-deploy renders from the chart: the manifests of its
# defaults and a copy of its RBAC file.
set -euo pipefail
source "$(dirname "$0")/chart_env.sh"
exec "${REPO_ROOT}/scripts/render-deploy" --check
