#!/usr/bin/env bash
# float32 GEMM benchmark: the engine's own kernel (cpu::gemm_f32), the
# engine's Eigen path (cpu::gemm_eigen<float>) and PyTorch (torch.matmul,
# MKL) on the shapes of BERT's linear layers (gemm_cases.json), at the same
# thread counts, printed as one table of GFLOP/s with ratios.
#
#   bench/gemm/run.sh [--build-dir build] [--threads 1,2] [--rounds 3] [--samples 7] [--filter TEXT]
#
# Build first: cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DNLAMMR_CUDA=OFF
#              cmake --build build -j2 --target gemm_bench
#
# The machine may be busy with other work, so the comparison is arranged to
# be fair rather than quiet: inside gemm_bench the engine and Eigen take
# turns call by call; gemm_bench and the PyTorch script then alternate,
# --rounds times; every contender keeps its fastest call over all rounds
# (wall clock; GFLOP/s = 2 m n k / that time). The load average is printed
# before and after. Threads wait passively (OMP_WAIT_POLICY=passive) unless
# the caller sets OMP_WAIT_POLICY: spinning threads on an oversubscribed
# machine take the core the working thread needs.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build_dir="$root/build"
threads="1,2"
rounds=3
samples=7
filter=""
source "$root/bench/parse_args.sh"
bench_parse_args run.sh --build-dir=build_dir --threads=threads --rounds=rounds --samples=samples --filter=filter -- "$@"
bench="$build_dir/bench/gemm/gemm_bench"
if [[ ! -x "$bench" ]]; then
  echo "run.sh: $bench not found; build the gemm_bench target first" >&2
  exit 1
fi
cases="$root/bench/gemm/gemm_cases.json"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Thread counts come from --threads only, never from an inherited environment.
unset OMP_NUM_THREADS MKL_NUM_THREADS OPENBLAS_NUM_THREADS
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}

echo "## Machine"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores visible"
echo "- threads: $threads, rounds: $rounds, timed calls per round: $samples, OMP_WAIT_POLICY: $OMP_WAIT_POLICY"
echo "- load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- PyTorch side: $(python3 "$root/bench/gemm/gemm_bench_torch.py" --describe)"
for round in $(seq "$rounds"); do
  common=(--cases "$cases" --threads "$threads" --samples "$samples" --filter "$filter")
  "$bench" "${common[@]}" >> "$work/results.jsonl" 2> "$work/log"
  python3 "$root/bench/gemm/gemm_bench_torch.py" "${common[@]}" >> "$work/results.jsonl"
done
echo "- engine micro-kernel: $(sed 's/^gemm_bench: micro-kernel //' "$work/log")"
echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

python3 - "$work/results.jsonl" <<'PY'
import json, sys
rows = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    sides = rows.setdefault((r["threads"], r["case"]), {})
    if r["side"] not in sides or r["min_s"] < sides[r["side"]]["min_s"]:
        sides[r["side"]] = r  # the fastest call over all rounds
print("| case | m x n x k | layout | threads | nlammr GFLOP/s | Eigen GFLOP/s | PyTorch GFLOP/s "
      "| nlammr / Eigen | nlammr / PyTorch |")
print("|---|---|---|---|---|---|---|---|---|")
for (threads, case), sides in sorted(rows.items(), key=lambda kv: kv[0][0]):
    n, e, t = (sides.get(s) for s in ("nlammr", "eigen", "torch"))
    any_side = n or e or t
    def rate(r):
        return f"{r['gflops']:.1f}" if r else "-"
    def ratio(x, y):
        return f"{x['gflops'] / y['gflops']:.2f}" if x and y else "-"
    print(f"| {case} | {any_side['shape']} | {any_side['layout']} | {threads} | {rate(n)} | {rate(e)} | {rate(t)} "
          f"| {ratio(n, e)} | {ratio(n, t)} |")
print()
print("GFLOP/s = 2 m n k / the fastest call of all rounds (wall clock). Ratios above 1: nlammr is faster.")
PY
