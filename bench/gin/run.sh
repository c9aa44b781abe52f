#!/usr/bin/env bash
# Molecule benchmark: featurizing SMILES and the GIN over all medication
# classes, nlammr (gin_bench) against the PyTorch reference
# (gin_bench_torch.py) on the same CPU, thread counts and graphs. Prints the
# machine, then one Markdown table with both sides and their ratio.
#
#   bench/gin/run.sh [--build-dir build] [--threads 1,2] [--smiles FILE] [--filter TEXT] [--rounds 3]
#
# Input: the shared medication table (../shared/data/mimic3/medications.tsv,
# 269 SMILES in 112 ATC3 classes) when present, else the molecule fixture
# (tests/fixtures/molecules/cases.smi, one class per SMILES).
# Build first: cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DNLAMMR_CUDA=OFF
#              cmake --build build -j2 --target gin_bench
# Timings mean little on a busy machine: the load average is printed before
# and after so a reader can judge. On a machine with more runnable threads
# than cores, OpenMP threads that spin while waiting for each other slow both
# sides down badly; OMP_WAIT_POLICY=passive, if set by the caller, reaches
# both sides and is printed. The two sides run alternately, --rounds times,
# and each keeps its best round (lowest median), so that a burst of load
# during one side's turn does not decide the ratio.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build_dir="$root/build"
threads="1,2"
smiles=""
filter=""
rounds=3
source "$root/bench/parse_args.sh"
bench_parse_args run.sh --build-dir=build_dir --threads=threads --smiles=smiles --filter=filter --rounds=rounds -- "$@"
if [[ -z "$smiles" ]]; then
  smiles="$root/../shared/data/mimic3/medications.tsv"
  [[ -f "$smiles" ]] || smiles="$root/tests/fixtures/molecules/cases.smi"
fi
bench="$build_dir/bench/gin/gin_bench"
if [[ ! -x "$bench" ]]; then
  echo "run.sh: $bench not found; build the gin_bench target first" >&2
  exit 1
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Thread counts come from --threads only, never from an inherited environment.
unset OMP_NUM_THREADS MKL_NUM_THREADS OPENBLAS_NUM_THREADS

echo "## Machine"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores visible"
echo "- input: $(basename "$smiles"), thread counts: $threads, rounds: $rounds"
echo "- OMP_WAIT_POLICY: ${OMP_WAIT_POLICY:-unset}"
echo "- load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- PyTorch side: $(python3 "$root/bench/gin/gin_bench_torch.py" --describe)"

"$bench" --smiles "$smiles" --graphs-out "$work/graphs.jsonl" 2> "$work/log"
echo "- graphs: $(sed 's/^gin_bench: //' "$work/log")"
for round in $(seq "$rounds"); do
  "$bench" --smiles "$smiles" --threads "$threads" --filter "$filter" >> "$work/results.jsonl" 2> "$work/log"
  python3 "$root/bench/gin/gin_bench_torch.py" --smiles "$smiles" --graphs "$work/graphs.jsonl" \
    --threads "$threads" --filter "$filter" >> "$work/results.jsonl" 2> "$work/log"
done
echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

python3 - "$work/results.jsonl" <<'PY'
import json, sys
rows = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    sides = rows.setdefault((r["case"], r["threads"]), {})
    if r["side"] not in sides or r["median_s"] < sides[r["side"]]["median_s"]:
        sides[r["side"]] = r  # the best round
print("| case | threads | nlammr | PyTorch | speed ratio (median) | speed ratio (fastest call) |")
print("|---|---|---|---|---|---|")
for (case, threads), sides in rows.items():
    n, t = sides.get("nlammr"), sides.get("torch")
    def rate(r):
        if not r:
            return "-"
        return f"{r['items'] / r['median_s']:,.0f} {r['unit']}/s ({r['median_s'] * 1e3:.1f} ms)"
    def ratio(key):
        return f"{t[key] / n[key]:.2f}x" if n and t else "-"
    print(f"| {case} | {threads} | {rate(n)} | {rate(t)} | {ratio('median_s')} | {ratio('min_s')} |")
print()
print("Rates from the median call after a warm-up, best of the rounds. Ratio = PyTorch time / nlammr")
print("time: above 1, nlammr is faster. The fastest-call ratio is the less load-sensitive of the two.")
PY
