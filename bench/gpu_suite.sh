#!/usr/bin/env bash
# The GPU suite: one command on a machine with an NVIDIA GPU (sm_80 or newer).
#   0. preflight: names every missing tool or library of the engine-only build
#      and installs them with scripts/setup.sh --system-engine where it can
#      (root or sudo, and a reachable package mirror); stops with the list
#      otherwise. The cuDNN frontend's headers (scripts/setup.sh --gpu-bench)
#      are optional: without them bench_attention has no cuDNN baseline,
#   1. configures and builds Release with CUDA, engine only
#      (-DNLAMMR_ENGINE_ONLY=ON: the kernels' tests and benchmarks, none of the
#      models' dependencies; the end-to-end NLA-MMR step test is not in it),
#   2. runs the CUDA tests (every kernel against the CPU, ops end to end),
#   3. runs compute-sanitizer memcheck and racecheck on the kernel tests,
#   4. runs every kernel benchmark (bench/cuda),
#   5. prints the simulator's memory-access metrics of the same kernels
#      (bench/cuda/sim_metrics.cpp) beside the GPU's numbers,
#   6. prints one summary table with the device and the date (also written
#      to <build>/gpu_suite/summary.md for docs/kernels.md); each attention row
#      carries its ratio to cuDNN's fused attention of the same shape.
# Budget: the time limits of the steps add up to about 13 minutes, most of it
# the build from scratch (360 s); a step that runs out is reported as TIMED
# OUT, never as a failed kernel, and the suite goes on.
#
#   bench/gpu_suite.sh [build-dir]      (default build-gpu)
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
build=${1:-build-gpu}
out=$build/gpu_suite
mkdir -p "$out"
jobs=$(nproc 2>/dev/null || echo 4)
status=()  # "step|result" lines for the summary

step() {  # step <name> <seconds> <log> <command...>: runs with a time limit, records the outcome
  local name=$1 limit=$2 log=$3
  shift 3
  local t0=$SECONDS
  echo "== $name"
  timeout "$limit" "$@" >"$log" 2>&1
  local rc=$?
  local took=$((SECONDS - t0))
  local result="ok"
  if [ $rc -eq 124 ]; then result="TIMED OUT after ${limit}s"; elif [ $rc -ne 0 ]; then result="FAILED (exit $rc)"; fi
  status+=("$name|$result|${took}s|$log")
  echo "   $result (${took}s, log $log)"
  return $rc
}

# ---- preflight -----------------------------------------------------------------------
missing=()
for tool in cmake g++ make; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
nvcc_path=$(command -v nvcc || { [ -x /usr/local/cuda/bin/nvcc ] && echo /usr/local/cuda/bin/nvcc; })
[ -n "$nvcc_path" ] || missing+=("nvcc (the CUDA toolkit)")
for header in /usr/include/eigen3/Eigen/Core /usr/include/CLI/CLI.hpp /usr/include/doctest/doctest.h \
              /usr/include/nlohmann/json.hpp; do
  [ -e "$header" ] || missing+=("$header")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== preflight: missing: ${missing[*]}"
  if [ -z "$nvcc_path" ]; then
    echo "   install the CUDA toolkit (nvcc) first; the project's setup does not install it"
    exit 1
  fi
  if scripts/setup.sh --system-engine >"$out/preflight.log" 2>&1; then
    echo "   installed the system packages with scripts/setup.sh --system-engine"
  else
    echo "   scripts/setup.sh --system-engine failed (no root, or no package mirror reachable); see $out/preflight.log"
    tail -5 "$out/preflight.log"
    exit 1
  fi
fi
if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L >/dev/null 2>&1; then
  echo "== preflight: nvidia-smi finds no GPU; the CUDA tests will skip and the benchmarks report nothing"
fi
[ -n "$nvcc_path" ] && export CUDACXX=${CUDACXX:-$nvcc_path}
# The cuDNN baseline of bench_attention: optional, never a reason to stop.
if ! compgen -G ".venv/lib/python3*/site-packages/include/cudnn_frontend.h" >/dev/null && [ -z "${CUDNN_FRONTEND_ROOT:-}" ]; then
  if scripts/setup.sh --gpu-bench >"$out/preflight_cudnn.log" 2>&1; then
    echo "== preflight: installed the cuDNN frontend headers (scripts/setup.sh --gpu-bench)"
  else
    echo "== preflight: no cuDNN frontend headers (scripts/setup.sh --gpu-bench failed: no package index?);"
    echo "   bench_attention runs without its cuDNN baseline"
  fi
fi

step "configure" 40 "$out/configure.log" \
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DNLAMMR_CUDA=ON -DNLAMMR_ENGINE_ONLY=ON \
    -DNLAMMR_BUILD_TESTS=ON -DNLAMMR_BUILD_BENCH=ON ||
  { cat "$out/configure.log"; exit 1; }
grep "bench_attention" "$out/configure.log" | sed 's/^-- /   /'
step "build" 360 "$out/build.log" \
  cmake --build "$build" -j "$jobs" --target test_cuda bench_attention bench_rows bench_segment cuda_sim_metrics ||
  { tail -50 "$out/build.log"; exit 1; }

tests=$build/tests/test_cuda
# Synchronising after every kernel pins an asynchronous fault on the kernel that caused it.
step "CUDA tests" 60 "$out/tests.log" env NLAMMR_CUDA_SYNC=1 "$tests" --no-intro
grep -E "test cases:|assertions:" "$out/tests.log"
# On a GPU machine no GPU test may skip (only the case about machines without a GPU does).
skipped=$(grep "MESSAGE: SKIPPED" "$out/tests.log" | grep -vc "a GPU is usable here")
if [ "$skipped" -gt 0 ]; then
  reason=$(grep "MESSAGE: SKIPPED" "$out/tests.log" | grep -v "a GPU is usable here" | head -1 | sed 's/.*SKIPPED: //')
  status+=("GPU tests|$skipped test cases SKIPPED: $reason|-|$out/tests.log")
  echo "   $skipped GPU test cases skipped: $reason"
fi

sanitizer=$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)
# The kernel tests (not the end-to-end ones, whose kernels they repeat) under
# memcheck; the kernels with shared memory under racecheck.
kernel_tests='-tce=*on the GPU*'
race_tests='-tc=*attention: compiled*,*softmax and*,*sum over*,*max returns*,*bce*,*multilabel*,*cross entropy*,*contrastive*'
if [ -x "$sanitizer" ]; then
  step "memcheck" 90 "$out/memcheck.log" "$sanitizer" --tool memcheck --error-exitcode 3 --print-limit 20 \
    "$tests" --no-intro "$kernel_tests"
  step "racecheck" 60 "$out/racecheck.log" "$sanitizer" --tool racecheck --error-exitcode 3 --print-limit 20 \
    "$tests" --no-intro "$race_tests"
else
  status+=("memcheck|not run: compute-sanitizer not found|-|-" "racecheck|not run: compute-sanitizer not found|-|-")
fi

for b in bench_attention bench_rows bench_segment; do
  step "$b" 40 "$out/$b.log" "$build/bench/$b"
  if grep -q ": skipped: " "$out/$b.log"; then
    status+=("$b results|$(grep -m1 ': skipped: ' "$out/$b.log" | sed 's/^[a-z_]*: //')|-|$out/$b.log")
  fi
done

# The simulator's access metrics of the same kernels (no GPU involved), for
# reading the timings against coalescing and bank conflicts.
step "simulator metrics" 60 "$out/sim_metrics.md" "$build/bench/cuda_sim_metrics" --markdown

device=$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1)
[ -n "$device" ] || device=$(grep -h " on " "$out"/bench_*.log 2>/dev/null | head -1 | sed 's/^[a-z_]* on //')
{
  echo "## GPU suite: ${device:-unknown device}, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "| step | result | time |"
  echo "|---|---|---|"
  for s in "${status[@]}"; do IFS='|' read -r name result took log <<<"$s"; echo "| $name | $result | $took |"; done
  echo
  # The last column: value / cuDNN's fused bf16 attention of the same
  # benchmark and shape (TFLOP/s both; above 1 is faster than cuDNN).
  echo "| benchmark | variant | shape | value | unit | fraction of measured peak | / cuDNN bf16 |"
  echo "|---|---|---|---|---|---|---|"
  cat "$out"/bench_*.log 2>/dev/null | grep '^RESULT|' | cut -d'|' -f2- | awk -F'|' '
    { row[NR] = $0; if ($2 == "cudnn_fused_bf16" && $4 != "-") cudnn[$1 "|" $3] = $4 }
    END {
      for (i = 1; i <= NR; i++) {
        split(row[i], f, "|"); key = f[1] "|" f[3]; ratio = "-"
        if ((key in cudnn) && f[4] != "-" && cudnn[key] > 0) ratio = sprintf("%.2f", f[4] / cudnn[key])
        print "| " row[i] " | " ratio " |"
      }
    }'
  echo
  echo "Memory-access metrics of the kernels in the CUDA simulator (bench/cuda/sim_metrics.cpp):"
  echo
  grep '^|' "$out/sim_metrics.md" 2>/dev/null
} | tee "$out/summary.md"
for s in "${status[@]}"; do case "$s" in *"|ok|"*) ;; *) exit 1 ;; esac; done
