#!/usr/bin/env bash
# Every value set renders objects that hold the chart's promises (rendered_manifests.py lists them).
set -euo pipefail
exec python3 "$(dirname "$0")/rendered_manifests.py"
