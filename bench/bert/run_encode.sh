#!/usr/bin/env bash
# Encoding from a cold cache on a realistic length mix: nlammr (bench_encode:
# what `nlammr encode` computes, without its cache) against PyTorch +
# transformers (bench_encode_reference.py, encoding the way
# sentence-transformers does) on the same texts: NLA-MMR's visit texts of the
# MIMIC-III cohort (diagnoses, procedures, medications, full visit text),
# --sample of them spread over the cohort, truncated at --max-length tokens.
#
#   bench/bert/run_encode.sh [--build-dir build] [--model DIR] [--cohort DIR] [--sample 2000]
#                            [--threads 1] [--batch 32] [--max-length 256] [--rounds 2] [--clock cpu]
#
# Build first: cmake --build build -j2 --target bench_encode
# Needs python3 with torch and transformers (the project's .venv is used when
# present). The texts are written to a temporary folder and removed at exit.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build_dir="$root/build"
model="$root/.cache/models/all-MiniLM-L6-v2"
cohort="$root/../shared/data/mimic3"
sample=2000
threads=1
batch=32
max_length=256
rounds=2
clock=cpu
source "$root/bench/parse_args.sh"
bench_parse_args run_encode.sh --build-dir=build_dir --model=model --cohort=cohort --sample=sample --threads=threads --batch=batch --max-length=max_length --rounds=rounds --clock=clock -- "$@"
bench="$build_dir/bench/bert/bench_encode"
[[ -x "$bench" ]] || { echo "run_encode.sh: $bench not found; build the bench_encode target first" >&2; exit 1; }
[[ -d "$cohort" ]] || { echo "run_encode.sh: cohort folder $cohort not found (--cohort DIR)" >&2; exit 1; }
[[ -d "$model" ]] || { echo "run_encode.sh: model folder $model not found (--model DIR)" >&2; exit 1; }
python="python3"
[[ -x "$root/.venv/bin/python" ]] && python="$root/.venv/bin/python"
unset OMP_NUM_THREADS MKL_NUM_THREADS OPENBLAS_NUM_THREADS
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "## Machine"
echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'); $(nproc) cores visible"
echo "- SIMD: $(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|fma|avx512f)$' | tr '\n' ' ')"
echo "- load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- clock: $clock; threads $threads; batch $batch; max length $max_length"
common=(--model "$model" --threads "$threads" --batch "$batch" --max-length "$max_length" --clock "$clock")
"$bench" "${common[@]}" --cohort "$cohort" --sample "$sample" --write-texts "$work/texts.txt" --reps 1 >/dev/null
for round in $(seq "$rounds"); do
  "$bench" "${common[@]}" --texts "$work/texts.txt" --reps 1 --json "$work/results.jsonl"
  OMP_NUM_THREADS="$threads" "$python" "$root/bench/bert/bench_encode_reference.py" "${common[@]}" \
    --texts "$work/texts.txt" --reps 1 --json "$work/results.jsonl" 2>&1 | grep -v "^Loading weights" || true
done
echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
"$python" - "$work/results.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
best = {}
for r in rows:
    if r["framework"] not in best or r["seconds"] < best[r["framework"]]["seconds"]:
        best[r["framework"]] = r
n, p = best["nlammr"], best.get("pytorch")
print()
print("| texts | mean tokens | nlammr texts/s | PyTorch texts/s | nlammr / PyTorch |")
print("|---|---|---|---|---|")
ratio = f"{n['texts_per_s'] / p['texts_per_s']:.2f}" if p else "-"
print(f"| {n['texts']} | {n['tokens'] / n['texts']:.1f} | {n['texts_per_s']:.1f} | "
      f"{p['texts_per_s'] if p else float('nan'):.1f} | {ratio} |")
if p:
    print(f"\nPyTorch {p['torch']}; best of the rounds on each side.")
PY
