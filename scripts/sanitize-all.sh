#!/usr/bin/env bash
# The whole test suite (core, ui, end-to-end, fuzz replays) under
# AddressSanitizer + UndefinedBehaviorSanitizer, the GUI included: the
# asan-all preset in build/asan-all. ./test.sh runs only the core tests and
# the fuzz replays this way (the rest would not fit its 40 minutes); run this
# by hand after changes to ui/ or the CLI and record the result in
# docs/RELIABILITY.md ("Sanitizers").
# Usage: scripts/sanitize-all.sh [ctest args]   e.g. -L ui, -R trainingcharts
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-$(nproc)}"

ib_log "dependencies"
ib_setup
bash scripts/reference-venv.sh >/dev/null || true # e2e.transformers_parity says why if it skips

ib_log "build: asan-all (everything, GUI included, ASan + UBSan)"
ib_build asan-all -DISSUEBERT_WERROR=ON

ib_log "test: asan-all"
ctest --preset asan-all -j2 "$@"
ib_log "all tests passed under ASan + UBSan"
