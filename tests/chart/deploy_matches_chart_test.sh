#!/usr/bin/env bash
# deploy/ holds exactly what scripts/render-deploy renders from the chart's defaults.
set -euo pipefail
source "$(dirname "$0")/chart_env.sh"
exec "${REPO_ROOT}/scripts/render-deploy" --check
