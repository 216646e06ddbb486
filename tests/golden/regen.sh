#!/usr/bin/env bash
# regen.sh - rewrite every expected golden output from the current build,
# for review with git diff. usage: tests/golden/regen.sh [BUILD_DIR]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build}
REGEN=1 ctest --test-dir "$build" -L golden --output-on-failure
