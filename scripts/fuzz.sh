#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (clang, AddressSanitizer and
# UndefinedBehaviorSanitizer) in build/fuzz and runs them.
#
#   scripts/fuzz.sh TARGET [SECONDS]  fuzz one target (dataset, text, model_files,
#                                     csv_export, weights, resume, metrics_log,
#                                     labelled_writer) for SECONDS (default 600)
#   scripts/fuzz.sh all [SECONDS]     each target in turn for SECONDS (default 60)
#   scripts/fuzz.sh --list            the targets
#
# The committed seeds are tests/fuzz/corpus/TARGET; what a run adds goes to
# build/fuzz/corpus/TARGET (kept between runs, not committed). A crash, leak
# or timeout stops the run and leaves its input in build/fuzz/crashes/: commit
# it beside the seeds and add a unit test for it (docs/RELIABILITY.md).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build/fuzz

targets() {
    for f in "$root"/tests/fuzz/fuzz_*.cpp; do
        basename "$f" .cpp | sed 's/^fuzz_//'
    done
}

[ $# -ge 1 ] || { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
if [ "$1" = --list ]; then
    targets
    exit 0
fi

if ! command -v clang++ >/dev/null; then
    echo "fuzz.sh: clang++ is missing (Debian: apt-get install clang libclang-rt-dev)" >&2
    exit 2
fi
if [ ! -f "$build/build.ninja" ]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo -DISSUEBERT_FUZZ=ON -DISSUEBERT_BUILD_GUI=OFF \
        -DISSUEBERT_BUILD_TESTS=OFF -DISSUEBERT_BUILD_BENCH=OFF -DISSUEBERT_PCH=OFF >/dev/null
fi
cmake --build "$build" --target fuzz_targets --parallel "$(nproc)"

# LibTorch's own leaks on damaged archives (see the file) are not ours to report.
export LSAN_OPTIONS="suppressions=$root/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

run() { # TARGET SECONDS
    local name=$1 seconds=$2
    mkdir -p "$build/corpus/$name" "$build/crashes"
    echo "== fuzz_$name for ${seconds}s"
    "$build/tests/fuzz/fuzz_$name" "$build/corpus/$name" "$root/tests/fuzz/corpus/$name" \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$build/crashes/$name-"
}

if [ "$1" = all ]; then
    for name in $(targets); do
        run "$name" "${2:-60}"
    done
else
    [ -f "$root/tests/fuzz/fuzz_$1.cpp" ] || { echo "fuzz.sh: no target '$1' ($(targets | tr '\n' ' '))" >&2; exit 2; }
    run "$1" "${2:-600}"
fi
