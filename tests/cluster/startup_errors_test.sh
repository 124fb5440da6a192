#!/usr/bin/env bash
# Each way `up` can fail says what happened and what to do, and leaves no process behind.
# Every case runs a throw-away cluster in its own folder, beside the shared one.
# shellcheck source=tests/cluster/lib.sh
source "$(dirname "$0")/lib.sh"

work_dir="$(mktemp -d)"
defer "rm -rf '${work_dir}'"
export SNIGATE_CLUSTER_DIR="${work_dir}/cluster"
defer "SNIGATE_CLUSTER_DIR='${SNIGATE_CLUSTER_DIR}' '${LOCAL_CLUSTER}' down"

# up_fails CASE EXPECTED_MESSAGE: up must fail, say EXPECTED_MESSAGE, and leave no process.
up_fails() {
  local output
  if output="$("${LOCAL_CLUSTER}" up 2>&1)"; then
    fail "$1: up succeeded"
  fi
  expect_contains "${output}" "$2" "$1: message"
  if pgrep -f -- "${SNIGATE_CLUSTER_DIR}" >/dev/null; then
    fail "$1: left processes behind: $(pgrep -af -- "${SNIGATE_CLUSTER_DIR}")"
  fi
}

# Without the cached binaries and without Go there is nothing to build with.
path_without_go="$(tr ':' '\n' <<<"${PATH}" | while read -r dir; do [[ -x "${dir}/go" ]] || echo "${dir}"; done | paste -sd: -)"
PATH="${path_without_go}" XDG_CACHE_HOME="${work_dir}/empty-cache" up_fails "no Go toolchain" "no Go toolchain found"

# A build that cannot fetch its modules fails with its log and advice.
GOPROXY=off GOFLAGS=-mod=mod GOMODCACHE="${work_dir}/empty-modcache" XDG_CACHE_HOME="${work_dir}/empty-cache" \
  up_fails "build failure" "building etcd v3.7.3 failed"
[[ ! -e "${work_dir}/empty-cache/snigate/bin/etcd-v3.7.3" ]] || fail "a failed build left a binary in the cache"
chmod -R u+w "${work_dir}/empty-modcache" 2>/dev/null || true

# A port that is taken.
eval "$(grep -E '^(KUBE_APISERVER|ETCD)=' <("${SNIGATE_REPO_ROOT}/scripts/local-cluster-build/build-binaries" 2>/dev/null))"
export KUBE_APISERVER ETCD
busy_port=$((20000 + RANDOM % 12000))
timeout 60 python3 -c "import socket, time
s = socket.socket(); s.bind(('127.0.0.1', ${busy_port})); s.listen(); time.sleep(60)" &
listener=$!
defer "kill ${listener}"
wait_until 5 bash -c "ss -Hltn 'sport = :${busy_port}' | grep -q LISTEN" || fail "test listener did not start"
SNIGATE_APISERVER_PORT="${busy_port}" up_fails "apiserver port in use" "port ${busy_port} (SNIGATE_APISERVER_PORT) is already in use"
SNIGATE_ETCD_PORT="${busy_port}" up_fails "etcd port in use" "port ${busy_port} (SNIGATE_ETCD_PORT) is already in use"

# An etcd that exits at once, as with a broken binary or data folder.
cat >"${work_dir}/broken-etcd" <<'SCRIPT'
#!/bin/sh
echo "etcdmain: simulated failure: cannot access data directory" >&2
exit 1
SCRIPT
chmod +x "${work_dir}/broken-etcd"
ETCD="${work_dir}/broken-etcd" up_fails "etcd exits" "etcd exited during startup"
ETCD="${work_dir}/broken-etcd" up_fails "etcd log shown" "simulated failure"

# After all that, the same folder still makes a working cluster.
"${LOCAL_CLUSTER}" up >/dev/null 2>&1 || fail "up after the failures did not work"
"${LOCAL_CLUSTER}" down >/dev/null 2>&1
pgrep -f -- "${SNIGATE_CLUSTER_DIR}" >/dev/null && fail "down left processes behind"
true
