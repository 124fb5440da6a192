#!/usr/bin/env bash
# A watch on Services delivers ADDED, MODIFIED and DELETED in order, and a BOOKMARK.
# The watch cache sends a bookmark about once a minute, and also two seconds before a watch's
# timeoutSeconds runs out (k8s.io/apiserver cacheWatcher.nextBookmarkTime); a short timeout
# therefore brings one within seconds and bounds the test.
# shellcheck source=tests/cluster/lib.sh
source "$(dirname "$0")/lib.sh"

readonly WATCH_SECONDS=10

cluster_up
test_namespace watch
events="$(mktemp)"
defer "rm -f '${events}'"

list_version="$(kubectl get --raw "/api/v1/namespaces/${TEST_NAMESPACE}/services" | jq -r .metadata.resourceVersion)"
kubectl get --raw "/api/v1/namespaces/${TEST_NAMESPACE}/services?watch=true&allowWatchBookmarks=true&resourceVersion=${list_version}&timeoutSeconds=${WATCH_SECONDS}" \
  >"${events}" &
watch_pid=$!
defer "kill ${watch_pid}"

kubectl create service clusterip watched --tcp 443:8443 -n "${TEST_NAMESPACE}" >/dev/null
kubectl label service watched -n "${TEST_NAMESPACE}" snigate.io/changed=yes >/dev/null
kubectl delete service watched -n "${TEST_NAMESPACE}" >/dev/null

deadline=$((SECONDS + WATCH_SECONDS + 20))
while kill -0 "${watch_pid}" 2>/dev/null; do
  ((SECONDS < deadline)) || fail "the watch did not end within $((WATCH_SECONDS + 20))s"
  sleep 0.5
done
wait "${watch_pid}" || fail "kubectl get --raw (watch) failed"

summary="$(jq -r '[.type, (.object.metadata.name // "-")] | join(" ")' "${events}" | paste -sd, -)"
expect_eq "$(jq -r 'select(.type != "BOOKMARK") | .type + " " + .object.metadata.name' "${events}" | paste -sd, -)" \
  "ADDED watched,MODIFIED watched,DELETED watched" "Service events in order (all events: ${summary})"
expect_eq "$(jq -r 'select(.type == "MODIFIED") | .object.metadata.labels["snigate.io/changed"]' "${events}")" yes \
  "label in the MODIFIED event"
bookmark_version="$(jq -r 'select(.type == "BOOKMARK") | .object.metadata.resourceVersion' "${events}" | tail -n 1)"
[[ -n "${bookmark_version}" ]] || fail "no BOOKMARK within ${WATCH_SECONDS}s (events: ${summary})"
deleted_version="$(jq -r 'select(.type == "DELETED") | .object.metadata.resourceVersion' "${events}")"
((bookmark_version >= deleted_version)) ||
  fail "BOOKMARK resourceVersion ${bookmark_version} is older than the DELETED event's ${deleted_version}"
