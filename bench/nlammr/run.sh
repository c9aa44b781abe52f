#!/usr/bin/env bash
# NLA-MMR training benchmark: time per training step, extrapolated to one
# epoch, and peak resident memory, nlammr (nlammr_bench: Trainer::train_step)
# against its PyTorch twin (nlammr_bench_torch.py: tools/reference/
# nlammr_reference.py) on the same CPU, thread counts, data and batches.
# Prints the machine, then one Markdown table with both sides and their ratios.
#
#   bench/nlammr/run.sh [--build-dir build] [--threads 1,2] [--steps 300] [--warmup 5] [--rounds 1]
#                       [--cohort DIR] [--clock wall|cpu]
#
# Input: the shared MIMIC-III cohort (../shared/data/mimic3: 13,490 visits,
# 112 classes, 268 molecules) when present, else the synthetic cohort. The PLM
# vectors are random (d = 384) on both sides: a step's cost does not depend on
# their values. Each side runs in its own process per thread count, so that
# its peak memory is that of one configuration; the sides alternate, --rounds
# times, and each keeps its best round.
# Build first: cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DNLAMMR_CUDA=OFF
#              cmake --build build -j2 --target nlammr_bench
# On a busy machine: OMP_WAIT_POLICY=passive (reaches both sides, printed),
# and --clock cpu for single-thread ratios from process CPU time.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build_dir="$root/build"
threads="1,2"
steps=300
warmup=5
rounds=1
cohort=""
clock="wall"
source "$root/bench/parse_args.sh"
bench_parse_args run.sh --build-dir=build_dir --threads=threads --steps=steps --warmup=warmup --rounds=rounds --cohort=cohort --clock=clock -- "$@"
[[ "$clock" == wall || "$clock" == cpu ]] || { echo "run.sh: --clock must be wall or cpu" >&2; exit 2; }
if [[ -z "$cohort" && -d "$root/../shared/data/mimic3" ]]; then
  cohort="$root/../shared/data/mimic3"
fi
bench="$build_dir/bench/nlammr/nlammr_bench"
if [[ ! -x "$bench" ]]; then
  echo "run.sh: $bench not found; build the nlammr_bench target first" >&2
  exit 1
fi
# The PyTorch side runs in the project's .venv when there is one
# (scripts/setup.sh --bench installs torch there), else in python3.
python="python3"
[[ -x "$root/.venv/bin/python" ]] && python="$root/.venv/bin/python"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cohort_args=()
[[ -n "$cohort" ]] && cohort_args=(--cohort "$cohort")

# Thread counts come from --threads only, never from an inherited environment.
unset OMP_NUM_THREADS MKL_NUM_THREADS OPENBLAS_NUM_THREADS

echo "## Machine"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores visible"
echo "- cohort: ${cohort:-synthetic}; thread counts: $threads; $steps timed steps after $warmup; rounds: $rounds"
echo "- clock: $clock; OMP_WAIT_POLICY: ${OMP_WAIT_POLICY:-unset}"
echo "- load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- PyTorch side: $("$python" "$root/bench/nlammr/nlammr_bench_torch.py" --describe)"

"$bench" "${cohort_args[@]}" --layout-out "$work/layout.json"
for round in $(seq "$rounds"); do
  for t in ${threads//,/ }; do
    "$bench" "${cohort_args[@]}" --threads "$t" --steps "$steps" --warmup "$warmup" >> "$work/results.jsonl"
    "$python" "$root/bench/nlammr/nlammr_bench_torch.py" --layout "$work/layout.json" --threads "$t" \
      --steps "$steps" --warmup "$warmup" >> "$work/results.jsonl"
  done
done
echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$work/results.jsonl" "$clock" <<'PY'
import json, sys
clock = sys.argv[2]
key = "wall_s_per_step" if clock == "wall" else "cpu_s_per_step"
rows, facts = {}, None
for line in open(sys.argv[1]):
    r = json.loads(line)
    facts = facts or r
    sides = rows.setdefault(r["threads"], {})
    if r["side"] not in sides or r[key] < sides[r["side"]][key]:
        sides[r["side"]] = r  # the best round
print(f"- data: {facts['visits']:,} visits, {facts['classes']} classes, {facts['molecules']} molecules "
      f"({facts['atoms']:,} atoms, {facts['edges']:,} directed edges); {facts['parameters']:,} parameters; "
      f"an epoch is {facts['epoch_steps']} steps of 8 visits")
print()
print(f"| threads | nlammr s/step | PyTorch s/step | nlammr epoch | PyTorch epoch | speed ratio "
      f"| nlammr peak RSS | PyTorch peak RSS | memory ratio |")
print("|---|---|---|---|---|---|---|---|---|")
for threads, sides in sorted(rows.items()):
    n, t = sides.get("nlammr"), sides.get("torch")
    if not (n and t):
        continue
    epoch = lambda r: r[key] * r["epoch_steps"]
    print(f"| {threads} | {n[key]:.4f} | {t[key]:.4f} | {epoch(n):.0f} s | {epoch(t):.0f} s "
          f"| {t[key] / n[key]:.2f}x | {n['peak_rss_mib']:.0f} MiB | {t['peak_rss_mib']:.0f} MiB "
          f"| {t['peak_rss_mib'] / n['peak_rss_mib']:.2f}x |")
print()
print(f"Seconds per step from {clock} time over the timed steps; an epoch extrapolated from them.")
print("Speed ratio = PyTorch time / nlammr time, memory ratio = PyTorch peak / nlammr peak:")
print("above 1, nlammr is faster (smaller).")
PY
