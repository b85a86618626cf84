#!/usr/bin/env bash
# Installs what is missing, builds, and launches IssueBERT.
# Usage: ./run.sh [FILE]        open the app (optionally with a dataset)
#        ./run.sh --headless    do the job in the terminal, no window
set -euo pipefail
cd "$(dirname "$0")"
source scripts/common.sh

if [ "${1:-}" = "--headless" ]; then
    shift
    ib_log "dependencies"
    ib_setup --headless
    ib_log "build"
    ib_build headless >/dev/null
    cli=build/headless/app/cli/issuebert-cli
    for split in train test; do
        ib_log "bundled sample: $split.json"
        "$cli" data stats "resources/sample/$split.json"
    done
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
