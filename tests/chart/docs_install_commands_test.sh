#!/usr/bin/env bash
# The install instructions work as written: the shell blocks of the README and docs/deploy.md that
# install snigate (a `helm install` or `kubectl apply`) run in order, from the repository root,
# with the real helm (install becomes template) and sed, and recording stand-ins for docker, kind
# and kubectl. Every image a pod would run must be one that a block pushed or loaded into kind
# after building it, so a tag built but never pushed, or pushed under another name, fails.
set -euo pipefail
source "$(dirname "$0")/chart_env.sh"

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT

cat >"${work}/stand-ins.sh" <<'SH'
# Sourced before the blocks: what each command did goes to ${STATE}.
docker() {
  case "$1" in
    build)
      local tag="" context=""
      shift
      while (($#)); do
        case "$1" in -t) tag="$2"; shift 2 ;; *) context="$1"; shift ;; esac
      done
      [[ -n "${tag}" && -f "${context}/Dockerfile" ]] || { echo "docker build without -t or a Dockerfile in '${context}'" >&2; return 1; }
      echo "${tag}" >>"${STATE}/built" ;;
    push)
      grep -qxF "$2" "${STATE}/built" 2>/dev/null || { echo "docker push $2: no such image was built" >&2; return 1; }
      echo "$2" >>"${STATE}/available" ;;
    *) echo "docker $*: not a step of an install" >&2; return 1 ;;
  esac
}
kind() {
  [[ "$1 $2" == "load docker-image" ]] || { echo "kind $*: not a step of an install" >&2; return 1; }
  grep -qxF "$3" "${STATE}/built" 2>/dev/null || { echo "kind load $3: no such image was built" >&2; return 1; }
  echo "$3" >>"${STATE}/available"
}
kubectl() {
  case "$1 ${2:-} ${3:-}" in
    "apply -f -") cat >>"${STATE}/manifests"; echo "---" >>"${STATE}/manifests" ;;
    "apply -f "*) cat "$3" >>"${STATE}/manifests"; echo "---" >>"${STATE}/manifests" ;;
    "create namespace "* | "annotate "* | "label "*) ;;
    *) echo "kubectl $*: not expected in an install" >&2; return 1 ;;
  esac
}
helm() {
  [[ "$1" == install ]] || { echo "helm $1: not expected in an install" >&2; return 1; }
  shift
  local args=()
  for arg in "$@"; do [[ "${arg}" == --create-namespace ]] || args+=("${arg}"); done
  "${REAL_HELM}" template "${args[@]}" >>"${STATE}/manifests"
  echo "---" >>"${STATE}/manifests"
}
SH

check_file() {  # a markdown file, relative to the repository root
  local file="$1" state="${work}/$(basename "$1")"
  mkdir -p "${state}"
  python3 - "${REPO_ROOT}/${file}" >"${state}/script.sh" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
blocks = re.findall(r"^```sh\n(.*?)^```", text, re.S | re.M)
installs = [b for b in blocks if re.search(r"^(helm install|.*kubectl apply)", b, re.M)]
# The blocks that build, push or load the images an install needs come along, in order.
wanted = [b for b in blocks if b in installs or re.search(r"^(docker|kind) ", b, re.M)]
for block in wanted:
    print(block)
PY
  [[ -s "${state}/script.sh" ]] || { echo "FAIL: ${file} has no install block"; exit 1; }
  (cd "${REPO_ROOT}" && STATE="${state}" REAL_HELM="${HELM}" bash -euo pipefail -c \
    "source '${work}/stand-ins.sh'; source '${state}/script.sh'") ||
    { echo "FAIL: the install blocks of ${file} do not run as written:"; cat "${state}/script.sh"; exit 1; }
  python3 - "${state}" "${file}" <<'PY'
import sys, yaml
from pathlib import Path
state, file = Path(sys.argv[1]), sys.argv[2]
available = set((state / "available").read_text().split()) if (state / "available").exists() else set()
images = set()
for document in yaml.safe_load_all((state / "manifests").read_text()):
    if document and document.get("kind") in ("Deployment", "DaemonSet"):
        images |= {c["image"] for c in document["spec"]["template"]["spec"]["containers"]}
assert images, f"{file}: the install blocks create no workload"
missing = images - available
assert not missing, f"{file}: pods would run {sorted(missing)}, but only {sorted(available) or 'nothing'} was pushed or loaded"
print(f"ok {file}: every pod runs an image that was pushed or loaded: {sorted(images)}")
PY
}

check_file README.md
check_file docs/deploy.md
