#!/usr/bin/env bash
# `down` removes the cluster, and the next `up` reuses the cached binaries: no build, seconds.
# shellcheck source=tests/cluster/lib.sh
source "$(dirname "$0")/lib.sh"

readonly CACHED_UP_LIMIT_SECONDS=60

cluster_up
"${LOCAL_CLUSTER}" down 2>/dev/null
"${LOCAL_CLUSTER}" status >/dev/null && fail "status says running after down"
[[ ! -e "${SNIGATE_CLUSTER_DIR:-${SNIGATE_REPO_ROOT}/.local-cluster}/kubeconfig" ]] || fail "down left the kubeconfig behind"

log="$(mktemp)"
defer "rm -f '${log}'"
started="${EPOCHREALTIME}"
"${LOCAL_CLUSTER}" up >/dev/null 2>"${log}" || fail "second up failed: $(cat "${log}")"
elapsed="$(awk -v from="${started}" -v to="${EPOCHREALTIME}" 'BEGIN { printf "%.1f", to - from }')"
echo "cached up took ${elapsed}s"

grep -q "building" "${log}" && fail "second up built again: $(cat "${log}")"
((${elapsed%.*} < CACHED_UP_LIMIT_SECONDS)) || fail "cached up took ${elapsed}s (limit ${CACHED_UP_LIMIT_SECONDS}s)"
expect_contains "$("${LOCAL_CLUSTER}" status)" "readyz: ok" "status after the second up"

again="$("${LOCAL_CLUSTER}" up 2>&1)"
expect_contains "${again}" "already running" "up on a running cluster"
