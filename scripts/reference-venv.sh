#!/usr/bin/env bash
# The Python environment of the transformers parity test
# (tests/e2e/transformers_parity.sh): a virtual environment over Debian's
# python3-torch with transformers from PyPI — no pip torch, it is gigabytes.
# Idempotent: once made, a run only checks it (no network). Prints the
# environment's python on stdout.
# Exit codes: 0 ready; 77 PyPI unreachable (the test is skipped); 1 any other
# failure. Usage: scripts/reference-venv.sh
# ISSUEBERT_REFERENCE_VENV overrides where the environment lives.
set -euo pipefail

# CI's transformers: the 4.x releases that still run on Debian's torch 1.13.
requirement='transformers<4.46'
# Debian's python, not the first python3 on PATH (pyenv's): python3-torch is built for it.
base=/usr/bin/python3
venv="${ISSUEBERT_REFERENCE_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/issuebert/reference-venv}"
# Written last: its presence says the environment is complete, its text for what.
stamp="$venv/issuebert-requirement.txt"

log() { echo "reference-venv: $*" >&2; }

ready() {
    [ "$(cat "$stamp" 2>/dev/null)" = "$requirement" ] &&
        "$venv/bin/python" -c 'import torch, transformers, tokenizers, safetensors' 2>/dev/null
}

mkdir -p "$(dirname "$venv")"
# One maker at a time (parallel ctest runs, test.sh and the test itself).
exec 9>"$venv.lock"
flock 9

if ready; then
    echo "$venv/bin/python"
    exit 0
fi
if ! "$base" -c 'import torch' 2>/dev/null; then
    log "$base cannot import torch: install Debian's python3-torch (scripts/install-deps.sh)"
    exit 1
fi
index="${PIP_INDEX_URL:-https://pypi.org/simple}"
if ! "$base" - "${index%/}/transformers/" <<'PY'; then
import sys, urllib.request
try:
    urllib.request.urlopen(sys.argv[1], timeout=15).read(1)
except Exception as e:
    print(f"reference-venv: {sys.argv[1]}: {e}", file=sys.stderr)
    sys.exit(1)
PY
    log "PyPI is unreachable: cannot install $requirement"
    exit 77
fi

log "making $venv ($requirement over Debian's torch)"
rm -rf "$venv"
"$base" -m venv --system-site-packages "$venv" ||
    { log "cannot make a virtual environment: install python3-venv (scripts/install-deps.sh)"; exit 1; }
"$venv/bin/python" -m pip install --disable-pip-version-check -q "$requirement" >&2 ||
    { log "pip install $requirement failed"; exit 1; }
echo "$requirement" >"$stamp"
ready || { log "$venv cannot import torch and transformers"; exit 1; }
log "$("$venv/bin/python" -c 'import torch, transformers; print("transformers", transformers.__version__, "torch", torch.__version__)')"
echo "$venv/bin/python"
