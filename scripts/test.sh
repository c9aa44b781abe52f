#!/usr/bin/env bash
# Installs dependencies, builds everything (tests included) and runs the whole
# test suite through CTest. This is what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --deps --test-tools
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Release -DNLAMMR_BUILD_TESTS=ON
cmake --build build-test -j "$jobs"
# ctest runs test binaries side by side and each uses every core: OpenMP
# threads that wait by sleeping rather than spinning keep that oversubscription
# from costing a factor of several.
export OMP_WAIT_POLICY=passive
ctest --test-dir build-test --output-on-failure -j "$jobs"
