#!/usr/bin/env bash
# The BERT benchmark: sentences per second of one forward pass + mean pooling
# for all-MiniLM-L6-v2 and a BERT-base-shaped model (random weights), batch
# {1, 8, 32} x sequence {32, 128}, on 1 and 2 threads, in nlammr, PyTorch
# (transformers) and ONNX Runtime, printed side by side with ratios.
#
#   bench/bert/run.sh                  everything (about half an hour on 2 cores)
#   REPEATS=1 MODELS=minilm THREADS=1 bench/bert/run.sh     a quick subset
#
# Environment knobs: BUILD (build folder, default build), MODEL_DIR (default
# the installed all-MiniLM-L6-v2), MODELS ("minilm base"), THREADS ("1 2"),
# REPEATS (sweeps of everything, default 2), MIN_TIME (seconds per
# configuration, default 1), MIN_REPS (timed passes at least, default 2),
# CLOCK_1 / CLOCK_2 (clock for 1 / 2 threads: cpu or wall; defaults cpu and
# wall, see bench_bert.cpp).
#
# Threads wait for work passively (OMP_WAIT_POLICY=passive, and the same for
# ONNX Runtime's pool) unless OMP_WAIT_POLICY says otherwise: with OpenMP's
# default busy-waiting, two threads on a machine busy with other processes
# ran several times slower than one (a spinning thread takes the core the
# working one needs). All three frameworks get the same policy.
#
# Needs python3 with torch, transformers and onnxruntime, and the onnx package
# for the export (pip install onnx); without onnx the ONNX column stays empty.
set -euo pipefail
cd "$(dirname "$0")/../.."

BUILD=${BUILD:-build}
MODEL_DIR=${MODEL_DIR:-${NLAMMR_MODEL:-.cache/models/all-MiniLM-L6-v2}}
MODELS=${MODELS:-"minilm base"}
THREADS=${THREADS:-"1 2"}
REPEATS=${REPEATS:-2}
MIN_TIME=${MIN_TIME:-1}
MIN_REPS=${MIN_REPS:-2}
CLOCK_1=${CLOCK_1:-cpu}
CLOCK_2=${CLOCK_2:-wall}
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}

if [ ! -d "$BUILD" ]; then
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DNLAMMR_CUDA=OFF
fi
cmake --build "$BUILD" --target bench_bert -j2
results="$BUILD/bench_bert_results.jsonl"
onnx_dir="$BUILD/bench_bert_onnx"
rm -f "$results"

cpu_name=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)
echo "CPU: $cpu_name, $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg);" \
  "OMP_WAIT_POLICY=$OMP_WAIT_POLICY"
for repeat in $(seq "$REPEATS"); do
  for threads in $THREADS; do
    clock_var="CLOCK_$threads"
    clock=${!clock_var:-wall}
    for model in $MODELS; do
      if [ "$model" = base ]; then source_args=(--base); else source_args=(--model "$MODEL_DIR"); fi
      common=(--threads "$threads" --label "$model" --clock "$clock" --min-time "$MIN_TIME"
              --min-reps "$MIN_REPS" --json "$results")
      echo "== sweep $repeat/$REPEATS, $model, $threads thread(s), $clock clock"
      "$BUILD/bench/bert/bench_bert" "${source_args[@]}" "${common[@]}"
      OMP_NUM_THREADS="$threads" python3 bench/bert/bench_bert_reference.py "${source_args[@]}" \
        "${common[@]}" --onnx-dir "$onnx_dir" 2>&1 | grep -v "^Loading weights"
    done
  done
done
echo
python3 bench/bert/compare.py "$results"
