#!/usr/bin/env bash
# Makes the README's screenshots, docs/screenshots/*.png: starts the app under
# Xvfb and walks every page with real data — the bundled sample, a training
# run's curves and its best model on the sample's test.json and on a pasted
# issue. Usage: scripts/screenshots.sh [RUN_DIR]
#   RUN_DIR  a run folder with best/ (default: the newest runs/*-sample; when
#            there is none, ./run.sh --headless makes one, about 5 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

run=${1:-}
if [ -z "$run" ]; then
    run=$(ls -d runs/*-sample 2>/dev/null | while read -r d; do
        [ -f "$d/best/config.json" ] && [ -f "$d/metrics.jsonl" ] && echo "$d"
    done | sort | tail -n 1 || true)
fi
if [ -z "$run" ]; then
    ib_log "no sample run yet: ./run.sh --headless"
    ./run.sh --headless
    run=$(ls -d runs/*-sample | sort | tail -n 1)
fi
[ -f "$run/best/config.json" ] || { echo "screenshots.sh: $run has no best/ model" >&2; exit 2; }

ib_log "dependencies"
ib_setup
ib_log "build"
ib_build dev >/dev/null
command -v xvfb-run >/dev/null || { echo "screenshots.sh: xvfb-run is missing (apt install xvfb)" >&2; exit 1; }

ib_log "screenshots of $run"
# A settings folder of its own, so the user's recent files and settings stay
# out of the pictures and untouched.
settings=$(mktemp -d)
trap 'rm -rf "$settings"' EXIT
XDG_CONFIG_HOME="$settings" QT_QPA_PLATFORM=xcb timeout 600 \
    xvfb-run -a -s "-screen 0 1600x1000x24" \
    build/dev/app/gui/issuebert --screenshots docs/screenshots --run "$run"
ls -l docs/screenshots
