#!/usr/bin/env bash
# End-to-end (issue 12): 61 hostile model folders and datasets
# (lib/hostile_cases.py: JSON nested 300,000 deep, files over the size caps,
# numbers no type holds, vocabularies of 20 million empty lines, safetensors
# headers that lie, shard indexes that name themselves or leave the folder, zip
# bombs, pickles nested 900,000 deep or calling os.system, tensors that re-read
# or overrun their storage, broken JSON, JSON Lines, CSV and fastText), each
# read by the command a user would run on it — `model info`, `tokenize
# --model`, `data stats` — under a 4 GB address-space limit (ulimit -v
# 4000000): exit code 2 and a message naming the file and the fault; never a
# signal, never an internal error, never a failed allocation.
# Usage: cli_hostile.sh CLI REPO_ROOT
set -u
cli="$1"
root="$2"
source "$(dirname "${BASH_SOURCE[0]}")/lib/expect.sh"
e2e_workdir

if ! python3 "$(dirname "${BASH_SOURCE[0]}")/lib/hostile_cases.py" "$root" "$work/cases" \
    >"$work/cases.tsv"; then
    echo "FAIL: lib/hostile_cases.py could not write the cases"
    exit 1
fi
# An AddressSanitizer build (the asan test presets set ISSUEBERT_SANITIZED)
# cannot start under ulimit -v: its shadow memory reserves terabytes of
# address space. There ASan holds the same line: an allocation over 4 GB, or
# a process over 4 GB resident, stops it with a report (and this test fails).
limit_memory() { ulimit -v 4000000; }
if [ -n "${ISSUEBERT_SANITIZED:-}" ]; then
    limit_memory() { :; }
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}max_allocation_size_mb=4000:allocator_may_return_null=0:hard_rss_limit_mb=4000"
fi
cases=0
while IFS=$'\t' read -r name command path file fragment; do
    cases=$((cases + 1))
    case "$command" in
    model) args=(model info "$path") ;;
    tokenizer) args=(tokenize --model "$path" "Crash on start") ;;
    data) args=(data stats "$path") ;;
    esac
    (
        limit_memory
        exec "$cli" "${args[@]}"
    ) >/dev/null 2>"$work/stderr"
    rc=$?
    said="$(cat "$work/stderr")"
    if [[ $rc -eq 2 && "$said" == *"$file"* && "$said" == *"$fragment"* &&
        "$said" != *"internal error"* && "$said" != *"allocate"* ]]; then
        pass
    else
        fail "$name ($command): exit $rc (want 2), message naming $file and '$fragment': $said"
    fi
done <"$work/cases.tsv"
echo "$cases hostile cases"
[[ $cases -ge 50 ]] || fail "only $cases hostile cases (want at least 50)"

report
