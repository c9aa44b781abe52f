#!/usr/bin/env bash
# Runs the engine CPU benchmarks (nlammr and Eigen in bench/engine_ops, PyTorch
# in bench/engine_ops_torch.py) and prints one Markdown table of ratios, with
# the machine it ran on.
#
#   bench/run_engine_bench.sh [--build-dir build] [--threads 1,2] [--filter TEXT] [--quick]
#                             [--clock wall|cpu] [--seconds-per-case S] [--out-dir DIR]
#
# Build first: cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DNLAMMR_CUDA=OFF
#              cmake --build build --target engine_ops
# Wall-clock timings are only meaningful on an otherwise idle machine: the
# load average is printed before and after so a reader can tell. On a busy
# machine, --clock cpu (process CPU time) still gives stable single-thread
# numbers, but cannot show the speed-up of several threads.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="$root/build"
threads="1,2"
filter=""
quick_flag=""
out_dir=""
clock="wall"
seconds="0.6"
source "$root/bench/parse_args.sh"
bench_parse_args run_engine_bench.sh --build-dir=build_dir --threads=threads --filter=filter '--quick?quick_flag' --out-dir=out_dir --clock=clock --seconds-per-case=seconds -- "$@"
quick=()
if [[ -n "$quick_flag" ]]; then quick=(--quick); fi

bench="$build_dir/bench/engine_ops"
if [[ ! -x "$bench" ]]; then
  echo "run_engine_bench.sh: $bench not found; build the engine_ops target first" >&2
  exit 1
fi
if [[ -z "$out_dir" ]]; then
  out_dir="$(mktemp -d)"
fi
mkdir -p "$out_dir"

# Thread counts come from the command line only: an inherited OMP_NUM_THREADS
# or MKL_NUM_THREADS would silently cap one side. OPENBLAS_CORETYPE is set on
# some machines to pick an OpenBLAS kernel; PyTorch here uses MKL (see its
# BLAS line below), so it does not apply, but it is reported when set.
unset OMP_NUM_THREADS MKL_NUM_THREADS OPENBLAS_NUM_THREADS

# Both sides must time the same cases (tests/cases/kernel_cases.h on the
# nlammr side, engine_ops_torch.py's own definitions on the PyTorch side).
if ! case_diff="$(diff <("$bench" --list --filter "$filter" "${quick[@]}") \
                       <(python3 "$root/bench/engine_ops_torch.py" --list --filter "$filter" "${quick[@]}"))"; then
  echo "run_engine_bench.sh: engine_ops and engine_ops_torch.py list different cases (< nlammr, > PyTorch):" >&2
  echo "$case_diff" >&2
  exit 1
fi

echo "## Machine"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
cpu_model="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
simd_flags="$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|fma|avx512f)$' | tr '\n' ' ')"
echo "- CPU: $cpu_model, $(nproc) cores visible, SIMD: $simd_flags"
echo "- thread counts: $threads; clock: $clock; sampling per case: $seconds s"
echo "- load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- OPENBLAS_CORETYPE: ${OPENBLAS_CORETYPE:-unset}"
echo "- PyTorch: $(python3 "$root/bench/engine_ops_torch.py" --describe)"
echo

common=(--threads "$threads" --filter "$filter" --clock "$clock" --seconds-per-case "$seconds")
common+=("${quick[@]}")
python3 "$root/bench/engine_ops_torch.py" "${common[@]}" --out "$out_dir/torch.json" >&2
"$bench" "${common[@]}" --torch-json "$out_dir/torch.json" --json "$out_dir/nlammr.json" > "$out_dir/table.md"

echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- raw results: $out_dir/torch.json, $out_dir/nlammr.json"
echo
echo "## Results"
echo
echo "Times in ms per call: minimum over samples (median in parentheses)."
echo "Ratios are nlammr time / other time from the minima (above 1: nlammr is slower)."
echo
cat "$out_dir/table.md"
