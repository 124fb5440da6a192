#!/usr/bin/env bash
# Builds and runs the GoogleTest fixture's own tests (local_cluster_fixture_test.cpp).
# shellcheck source=tests/cluster/lib.sh
source "$(dirname "$0")/lib.sh"

build_dir="$(mktemp -d)"
defer "rm -rf '${build_dir}'"
here="${SNIGATE_REPO_ROOT}/tests/cluster"
"${CXX:-c++}" -std=c++20 -Wall -Wextra -Werror -O1 -DSNIGATE_SOURCE_DIR="\"${SNIGATE_REPO_ROOT}\"" -I"${here}" \
  "${here}/local_cluster_fixture.cpp" "${here}/local_cluster_fixture_test.cpp" \
  -lgtest -lgtest_main -pthread -o "${build_dir}/local_cluster_fixture_test"
"${build_dir}/local_cluster_fixture_test"
