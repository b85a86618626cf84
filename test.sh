#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: the full build with
# the GUI, the Qt-free headless CLI (as on a GPU server) with the end-to-end
# tests, and the core tests again without Qt under AddressSanitizer +
# UndefinedBehaviorSanitizer, with each fuzz target replaying its seeds and a
# short burst of mutations (tests/fuzz).
# Usage: ./test.sh [--quick]   --quick: dev build only, skipping slow tests
set -euo pipefail
cd "$(dirname "$0")"
source scripts/common.sh

quick=0
[ "${1:-}" = "--quick" ] && quick=1
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-$(nproc)}"

ib_log "dependencies"
ib_setup
# e2e.transformers_parity's Python: made here, once; the test skips only
# when PyPI is unreachable, and fails on any other set-up failure.
venv_rc=0
bash scripts/reference-venv.sh >/dev/null || venv_rc=$?
if [ $venv_rc -eq 77 ]; then
    ib_log "PyPI unreachable: e2e.transformers_parity will be skipped"
elif [ $venv_rc -ne 0 ]; then
    ib_log "scripts/reference-venv.sh failed (exit $venv_rc): e2e.transformers_parity will fail"
fi

ib_log "build: dev (GUI, warnings as errors)"
ib_build dev -DISSUEBERT_WERROR=ON
ib_log "test: dev"
if [ $quick -eq 1 ]; then
    ctest --preset dev -LE slow
    exit 0
fi
ctest --preset dev

# The Qt-free build a GPU server runs: the CLI, checked free of Qt and driven
# through training and evaluation (the e2e tests labelled headless). Its core
# tests and benchmarks are the dev build's, compiled again with other flags,
# and the asan build runs the core tests without Qt too.
ib_log "build: headless (no Qt): the CLI"
ib_build headless -DISSUEBERT_WERROR=ON --target=issuebert-cli
ib_log "test: headless"
ctest --preset headless -L headless # the rest of e2e ran in the dev build

ib_log "build: asan (core tests and fuzz replays only)"
ib_build asan -DISSUEBERT_WERROR=ON --target=core_tests
ib_log "test: asan"
ctest --preset asan -L "core|fuzz" -j2 # the replays are single-threaded

ib_log "all tests passed"
