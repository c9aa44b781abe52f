#!/usr/bin/env bash
# Data-parallel scaling of `nlammr train` on this machine: one epoch of the
# synthetic cohort with 1 rank and with N ranks (mpirun), each rank one CPU
# thread, the same global batch and seed. Prints the machine, then a Markdown
# table: epoch seconds (training and the validation pass, from metrics.jsonl),
# training samples per second, speed-up and efficiency (speed-up / ranks),
# and the CPU seconds of the whole command summed over its ranks (start-up
# and text loading included): on a machine shared with other work, where the
# ranks wait for cores, the CPU column shows what the ranks themselves cost.
#
#   bench/dist/scaling.sh [--build-dir build] [--ranks 1,2] [--patients 2000] [--batch-sizes 8,64]
#                         [--model DIR] [--work DIR] [--rounds 2]
#
# The texts are encoded once into a cache under --work (default: a temporary
# folder), so the timed runs measure training only; visits are encoded as
# their code texts (--visit-text codes, as quickstart does), which makes that
# one-off encoding short and leaves the cost of a step unchanged. Each configuration runs
# --rounds times and keeps its fastest epoch. On a machine shared with other
# work the numbers move; the load average is printed with them.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build_dir="$root/build"
ranks_list="1,2"
patients=2000
batch_sizes="8,64"
model=""
work=""
rounds=2
source "$root/bench/parse_args.sh"
bench_parse_args scaling.sh --build-dir=build_dir --ranks=ranks_list --patients=patients --batch-sizes=batch_sizes --model=model --work=work --rounds=rounds -- "$@"
nlammr="$build_dir/nlammr"
[ -x "$nlammr" ] || { echo "scaling.sh: $nlammr not found (build first)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "scaling.sh: /usr/bin/time not found (Debian package: time)" >&2; exit 1; }
command -v mpirun > /dev/null || { echo "scaling.sh: mpirun not found (scripts/setup.sh installs Open MPI)" >&2; exit 1; }
if [ -z "$work" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
fi
model_flag=()
[ -n "$model" ] && model_flag=(--model "$model")
export OMP_WAIT_POLICY=passive
# Open MPI refuses root without these; --oversubscribe allows more ranks than slots.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

echo "## Machine"
echo
echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores available"
echo "- memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
echo "- MPI: $(mpirun --version 2>/dev/null | head -1)"
echo "- nlammr: $("$nlammr" version 2>/dev/null | head -1)"
echo "- load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

"$nlammr" synth --patients "$patients" --out "$work/cohort" > /dev/null
# Encode once (the cache is then shared by every timed run).
"$nlammr" train --data "$work/cohort" --out "$work/warm" --cache "$work/cache" "${model_flag[@]}" \
  --visit-text codes --epochs 1 --batch-size 100000 --threads 1 > /dev/null 2>&1 || true

echo "## One epoch, synthetic cohort of $patients patients, 1 thread per rank"
echo
echo "| global batch | ranks | steps | samples | epoch s | samples/s | speed-up | efficiency | CPU s, all ranks |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
IFS=',' read -ra batches <<< "$batch_sizes"
IFS=',' read -ra rank_counts <<< "$ranks_list"
for batch in "${batches[@]}"; do
  base=""
  for n in "${rank_counts[@]}"; do
    best=""
    for ((r = 1; r <= rounds; r++)); do
      out="$work/run_b${batch}_n${n}_r${r}"
      cmd=("$nlammr" train --data "$work/cohort" --out "$out" --cache "$work/cache" "${model_flag[@]}"
           --visit-text codes --epochs 1 --batch-size "$batch" --threads 1)
      # /usr/bin/time counts the CPU time of every rank (mpirun's children).
      if [ "$n" -eq 1 ]; then launch=(); else launch=(mpirun --oversubscribe -np "$n"); fi
      /usr/bin/time -f "%U %S" -o "$out.cpu" "${launch[@]}" "${cmd[@]}" > "$out.log" 2>&1
      line=$(python3 -c "import json,sys; j=json.loads(open(sys.argv[1]).readline()); print(j['train']['steps'], j['train']['samples'], j['seconds'])" "$out/metrics.jsonl")
      read -r steps samples seconds <<< "$line"
      cpu=$(awk 'END {print $1 + $2}' "$out.cpu")
      if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)" "$seconds" "$best"; then
        best="$seconds"
        best_cpu="$cpu"
      fi
    done
    rate=$(python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.1f}')" "$samples" "$best")
    [ -z "$base" ] && base="$rate"
    python3 - "$batch" "$n" "$steps" "$samples" "$best" "$rate" "$base" "$best_cpu" <<'PY'
import sys
batch, n, steps, samples, seconds, rate, base, cpu = sys.argv[1:]
speedup = float(rate) / float(base)
print(f"| {batch} | {n} | {steps} | {samples} | {float(seconds):.2f} | {rate} | {speedup:.2f} | {speedup / int(n):.0%} | {float(cpu):.1f} |")
PY
  done
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
