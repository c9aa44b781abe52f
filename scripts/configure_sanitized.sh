#!/usr/bin/env bash
# Configures build-sanitize/: clang, AddressSanitizer + UndefinedBehaviorSanitizer,
# the portable instruction set (NLAMMR_NATIVE=OFF), no CUDA, the tests and the
# libFuzzer targets. Without MPI: Open MPI's own allocations, still held at
# exit by its plugins, read as leaks to LeakSanitizer; the MPI build is tested
# in the native stage. scripts/test.sh runs the whole suite in it and
# scripts/fuzz.sh the fuzz targets, so the two share one build.
#
#   scripts/configure_sanitized.sh [BUILD_DIR]      (default build-sanitize)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-sanitize}
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
generator=()
command -v ninja >/dev/null && [ ! -f "$dir/Makefile" ] && generator=(-G Ninja)
CC=clang CXX=clang++ cmake -S . -B "$dir" "${generator[@]}" "${launcher[@]}" \
  -DCMAKE_BUILD_TYPE=Release -DNLAMMR_NATIVE=OFF -DNLAMMR_CUDA=OFF -DNLAMMR_MPI=OFF \
  -DNLAMMR_SANITIZE=address,undefined -DNLAMMR_FUZZ=ON \
  -DNLAMMR_BUILD_TESTS=ON -DNLAMMR_BUILD_BENCH=OFF >/dev/null
