#!/usr/bin/env bash
# Installs the Debian packages IssueBERT needs, only those missing; a second
# run only checks. Usage: scripts/install-deps.sh [--headless]
#   --headless  core, CLI and benchmarks only (no Qt, no Xvfb)
set -euo pipefail

core_packages=(
    build-essential cmake ninja-build pkg-config python3 python3-pip
    libtorch-dev libopenblas0-openmp nlohmann-json3-dev libutf8proc-dev
    # data-parallel training: Gloo's headers for c10d's ProcessGroupGloo
    libgloo-dev
    clang-format
    # e2e.transformers_parity: transformers from PyPI over Debian's torch
    # (scripts/reference-venv.sh), far lighter than pip's torch.
    python3-torch python3-venv
)
gui_packages=(qt6-base-dev libqcustomplot-dev libqt6svg6 libgl-dev xvfb xauth)

packages=("${core_packages[@]}")
if [ "${1:-}" != "--headless" ]; then
    packages+=("${gui_packages[@]}")
fi

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$p")
done

# python3/pip may come from elsewhere (pyenv); what matters is that they run.
if command -v python3 >/dev/null && python3 -m pip --version >/dev/null 2>&1; then
    filtered=()
    for p in "${missing[@]}"; do
        case "$p" in python3|python3-pip) ;; *) filtered+=("$p") ;; esac
    done
    missing=("${filtered[@]+"${filtered[@]}"}")
fi

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
