#!/usr/bin/env bash
# The chart is self-contained and composable: it holds no symlink (GitOps tools such as Flux drop
# them, and a copied chart folder would lose what they point at), a copy of its folder alone
# renders exactly what the chart in the repository renders, and it renders as a subchart of an
# umbrella chart that passes `global` values.
set -euo pipefail
source "$(dirname "$0")/chart_env.sh"

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT

links="$(find "${CHART}" -type l)"
[[ -z "${links}" ]] || { echo "FAIL: the chart holds symlinks: ${links}"; exit 1; }
echo "ok no symlinks in charts/snigate"

# A copy that keeps links as links, as `cp -a`, rsync and GitOps checkouts do, away from the repository.
cp -a "${CHART}" "${work}/snigate"
render snigate snigate-system defaults >"${work}/original.yaml"
"${HELM}" template snigate "${work}/snigate" --namespace snigate-system >"${work}/copy.yaml"
diff -u "${work}/original.yaml" "${work}/copy.yaml" || { echo "FAIL: the copied chart renders differently"; exit 1; }
echo "ok a copy of the chart folder alone renders the same $(grep -c '^kind:' "${work}/copy.yaml") objects"

# helm package, then install from the archive: what a chart repository serves.
"${HELM}" package "${work}/snigate" --destination "${work}" >/dev/null
"${HELM}" template snigate "${work}"/snigate-*.tgz --namespace snigate-system >"${work}/packaged.yaml"
diff -u "${work}/original.yaml" "${work}/packaged.yaml" || { echo "FAIL: the packaged chart renders differently"; exit 1; }
echo "ok the packaged chart renders the same"

# An umbrella chart with snigate as a dependency and global values, as platform teams compose them.
mkdir -p "${work}/platform/charts"
cat >"${work}/platform/Chart.yaml" <<'YAML'
apiVersion: v2
name: platform
version: 1.0.0
dependencies:
  - name: snigate
    version: ">=0.0.0-0"
YAML
cat >"${work}/platform/values.yaml" <<'YAML'
global:
  imageRegistry: registry.example
  environment: production
snigate:
  replicas: 3
  service: {type: NodePort}
YAML
cp "${work}"/snigate-*.tgz "${work}/platform/charts/"
output="$("${HELM}" template edge "${work}/platform" --namespace platform 2>&1)" ||
  { echo "FAIL: snigate does not render as a subchart with global values: ${output}"; exit 1; }
python3 - <<'PY' "${output}"
import sys, yaml
documents = [d for d in yaml.safe_load_all(sys.argv[1]) if d]
workload = next(d for d in documents if d["kind"] == "Deployment")
assert workload["metadata"]["name"] == "edge-snigate", workload["metadata"]["name"]
assert workload["spec"]["replicas"] == 3, "the umbrella's snigate values reach the subchart"
service = next(d for d in documents if d["kind"] == "Service")
assert service["spec"]["type"] == "NodePort"
PY
echo "ok renders as a subchart of an umbrella chart with global values"
