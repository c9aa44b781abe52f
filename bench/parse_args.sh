# shellcheck shell=bash
# Option parsing shared by the benchmark run scripts (bench/*/run*.sh,
# bench/run_engine_bench.sh, bench/dist/scaling.sh); source it, set the
# defaults, then:
#
#   bench_parse_args SCRIPT SPEC... -- "$@"
#
# SPEC "--name=var" is an option with a value, stored in $var; "--name?var" is
# a flag that sets $var to 1. -h and --help print the script's header comment
# (the comment lines from line 2 on) and exit 0; anything else unknown, or
# an option without its value, is an error naming SCRIPT, exit status 2.
bench_parse_args() {
  local _bpa_script="$1"
  shift
  local -A _bpa_value=() _bpa_flag=()
  while [[ $# -gt 0 && "$1" != "--" ]]; do
    case "$1" in
      --*=*) _bpa_value["${1%%=*}"]="${1#*=}" ;;
      --*\?*) _bpa_flag["${1%%\?*}"]="${1#*\?}" ;;
      *) echo "bench_parse_args: bad option spec '$1'" >&2; exit 2 ;;
    esac
    shift
  done
  [[ $# -gt 0 ]] || { echo "bench_parse_args: missing -- before the arguments" >&2; exit 2; }
  shift
  while [[ $# -gt 0 ]]; do
    if [[ -n "${_bpa_value[$1]+set}" ]]; then
      if [[ $# -lt 2 ]]; then
        echo "$_bpa_script: $1 needs a value" >&2
        exit 2
      fi
      printf -v "${_bpa_value[$1]}" '%s' "$2"
      shift 2
    elif [[ -n "${_bpa_flag[$1]+set}" ]]; then
      printf -v "${_bpa_flag[$1]}" '%s' 1
      shift
    elif [[ "$1" == "-h" || "$1" == "--help" ]]; then
      awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
      exit 0
    else
      echo "$_bpa_script: unknown argument '$1'" >&2
      exit 2
    fi
  done
}
