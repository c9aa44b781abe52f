#!/usr/bin/env bash
# Installs everything nlammr needs on Debian 12 (or a close relative), then
# configures and builds it in Release mode into build/.
#
#   scripts/setup.sh            dependencies + model + build
#   scripts/setup.sh --deps     dependencies only (what the test script needs)
#
# Idempotent: packages already present are not reinstalled.
set -euo pipefail
cd "$(dirname "$0")/.."

deps_only=0
for arg in "$@"; do
  case "$arg" in
    --deps) deps_only=1 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done

APT_PACKAGES=(
  build-essential cmake pkg-config git
  libeigen3-dev libcli11-dev doctest-dev nlohmann-json3-dev zlib1g-dev
  libopenbabel-dev libutf8proc-dev
  python3 python3-venv python3-pip
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

[ "$deps_only" -eq 1 ] && exit 0

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j "$jobs"
