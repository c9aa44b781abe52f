#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, in build-sanitize/) and runs each for a
# fixed time, one after the other, printing per target the inputs executed,
# the coverage reached (libFuzzer's "cov", edges) and the corpus size.
#
#   scripts/fuzz.sh [--no-build] [SECONDS] [TARGET...]
#       SECONDS per target (default 60); TARGET e.g. smiles (default all);
#       --no-build runs the targets already built
#
# Each target starts from its committed seeds (fuzz/corpus/<target>/) and its
# working corpus (build-sanitize/fuzz-corpus/<target>/, kept between runs, so
# longer campaigns build on earlier ones). A crash, hang (10 s per input),
# leak, sanitizer report or an uncaught exception is saved under
# build-sanitize/fuzz-findings/<target>/ and makes the script exit non-zero
# after all targets ran. Needs clang (scripts/setup.sh --test-deps).
set -euo pipefail
cd "$(dirname "$0")/.."

build_first=1
if [ "${1:-}" = --no-build ]; then build_first=0; shift; fi
seconds=${1:-60}
shift || true
case "$seconds" in ''|*[!0-9]*) echo "fuzz.sh: SECONDS must be a whole number, got '$seconds'" >&2; exit 2 ;; esac
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(safetensors bert_config vocab cohort mimic_csv mimic_csv_gzip smiles checkpoint run_json recommend_input)
fi

build=build-sanitize
if [ "$build_first" -eq 1 ]; then
  scripts/configure_sanitized.sh "$build"
  cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" --target fuzzers
fi

# Leaks are findings; OpenMP threads that sleep when idle keep the single
# fuzzing process from spinning on the other cores.
export OMP_WAIT_POLICY=passive
printf '%-16s %12s %8s %8s %7s  %s\n' target executions exec/s cov corpus result
failed=0
for t in "${targets[@]}"; do
  bin="$build/fuzz/fuzz_$t"
  seeds="fuzz/corpus/$t"
  [ -x "$bin" ] || { echo "fuzz.sh: no fuzz target '$t' ($bin)" >&2; exit 2; }
  [ -d "$seeds" ] || { echo "fuzz.sh: no seed corpus $seeds" >&2; exit 2; }
  work="$build/fuzz-corpus/$t"
  findings="$build/fuzz-findings/$t"
  log="$build/fuzz-logs/$t.log"
  mkdir -p "$work" "$findings" "$(dirname "$log")"
  result=ok
  if ! "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=16384 \
      -print_final_stats=1 -artifact_prefix="$findings/" "$work" "$seeds" >"$log" 2>&1; then
    result="FINDING (see $log and $findings/)"
    failed=1
  fi
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | awk '{print $2}')
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | tail -1 | awk '{print $2}')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | awk '{print $2}')
  corpus=$(find "$work" -type f | wc -l)
  printf '%-16s %12s %8s %8s %7s  %s\n' "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "$corpus" "$result"
done
exit $failed
