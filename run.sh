#!/usr/bin/env bash
# Installs what is missing, builds, and launches IssueBERT.
# Usage: ./run.sh [FILE]        open the app (optionally with a dataset)
#        ./run.sh --headless [TRAIN FLAGS]  do the whole job in the terminal:
#            fine-tune on the bundled sample, evaluate on its test split,
#            write predictions.csv (extra flags go to `issuebert-cli train`
#            and override its settings, e.g. --epochs 3)
set -euo pipefail
cd "$(dirname "$0")"
source scripts/common.sh

if [ "${1:-}" = "--headless" ]; then
    shift
    ib_log "dependencies"
    ib_setup --headless
    ib_log "build"
    ib_build headless --target=issuebert-cli >/dev/null
    cli=build/headless/app/cli/issuebert-cli
    run="runs/$(date +%Y%m%d-%H%M%S)-sample"
    ib_log "fine-tune the default model on resources/sample/train.json -> $run"
    "$cli" train --train resources/sample/train.json --out "$run" \
        --max-len 128 --epochs 8 --lr 1e-4 --batch-size 16 "$@"
    ib_log "evaluate the best model on resources/sample/test.json"
    "$cli" evaluate --model "$run/best" --data resources/sample/test.json | tee "$run/test-metrics.txt"
    ib_log "predict resources/sample/test.json"
    "$cli" predict --model "$run/best" --data resources/sample/test.json --out "$run/predictions.csv"
    ib_log "done"
    echo "Also in $run: test-metrics.txt (the evaluation above) and predictions.csv"
    exit 0
fi

ib_log "dependencies"
ib_setup
ib_log "build"
ib_build dev >/dev/null
app=build/dev/app/gui/issuebert
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
    echo "run.sh: no display found (DISPLAY/WAYLAND_DISPLAY unset)." >&2
    echo "        Run it in a desktop session, use ./run.sh --headless, or xvfb-run ./run.sh" >&2
    exit 1
fi
ib_log "launch"
exec "$app" "$@"
