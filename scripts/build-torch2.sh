#!/usr/bin/env bash
# Builds core, the CLI, the benchmarks and the core tests against the LibTorch
# 2.x inside a pip-installed torch (CUDA when that torch has it), without Qt:
# the build for a GPU server, and the compile check of the CUDA code paths.
# Usage: scripts/build-torch2.sh [PYTHON] [BUILD_DIR]
#   PYTHON     a python3 whose environment has torch (default: python3)
#   BUILD_DIR  default: build/torch2
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
python=${1:-python3}
build=${2:-$root/build/torch2}

torch_root=$("$python" -c 'import os, torch; print(os.path.dirname(torch.__file__))')
site=$(dirname "$torch_root")
# Torch's own folder first, so a system LibTorch (Debian's libtorch-dev) is
# not picked up with 2.x headers.
prefix="$torch_root/share/cmake;$torch_root"
# pip's CUDA libraries live in site-packages/nvidia/*/lib; libtorch_cuda needs
# them at link time (rpath-link) and at run time (rpath).
libdirs="$torch_root/lib"
for d in "$site"/nvidia/*/lib; do
    [ -d "$d" ] && libdirs="$libdirs:$d"
done

cmake -S "$root" -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release \
    -DISSUEBERT_BUILD_GUI=OFF \
    -DISSUEBERT_WERROR=ON \
    -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_EXE_LINKER_FLAGS="-Wl,-rpath-link,$libdirs -Wl,-rpath,$libdirs"
cmake --build "$build" --parallel "$(nproc)"
echo "built in $build; run: ctest --test-dir $build"
