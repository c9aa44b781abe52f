#!/usr/bin/env bash
# Builds and runs every test; this is what CI runs (.ci/run). Three stages:
#
#   1. native   build/ (Release, -march=native, GCC): what scripts/setup.sh
#               built, so after setup nothing is compiled again; full ctest.
#   2. sanitize build-sanitize/ (clang, AddressSanitizer and
#               UndefinedBehaviorSanitizer, portable x86-64 instruction set):
#               the full ctest again; any sanitizer report fails its test.
#               Together with stage 1, CI runs a native and a portable build.
#   3. fuzz     every libFuzzer target of fuzz/ (built in build-sanitize/)
#               for NLAMMR_FUZZ_SECONDS (default 15) over its seed corpus.
#
#   scripts/test.sh          all three stages
#   scripts/test.sh --fast   stage 1 only (for developers)
#
# Each stage prints its wall time. Figures on 2 cores: docs/reliability.md.
set -euo pipefail
cd "$(dirname "$0")/.."

fast=0
for arg in "$@"; do
  case "$arg" in
    --fast) fast=1 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "test.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done

jobs=$(nproc 2>/dev/null || echo 2)
# ctest runs test binaries side by side and each uses every core: OpenMP
# threads that wait by sleeping rather than spinning keep that oversubscription
# from costing a factor of several.
export OMP_WAIT_POLICY=passive

stage_start=$SECONDS
stage_done() { echo "test.sh: stage '$1' took $((SECONDS - stage_start)) s"; stage_start=$SECONDS; }

# 1. native: setup.sh installs what is missing and builds build/ (tests included).
scripts/setup.sh --test-tools
ctest --test-dir build --output-on-failure -j "$jobs"
stage_done native
[ "$fast" -eq 1 ] && exit 0

# 2. sanitize. Leak checking stays on (ASan's default on Linux).
scripts/setup.sh --test-deps
scripts/configure_sanitized.sh build-sanitize
cmake --build build-sanitize -j "$jobs"
ctest --test-dir build-sanitize --output-on-failure -j "$jobs"
stage_done sanitize

# 3. fuzz: each target briefly, from its committed seeds.
scripts/fuzz.sh "${NLAMMR_FUZZ_SECONDS:-15}"
stage_done fuzz
