#!/usr/bin/env bash
# Data-parallel scaling on this machine: `issuebert-cli train` on the same
# issues as 1 process on 1 core, 1 process on every core, and N processes
# (--nproc N, one core's share each), printing training samples/s (the
# trainer's own figure: samples of the whole batches over the session's
# training time, from the last step of metrics.jsonl) and the scaling against
# 1 × 1. Usage:
#   tests/bench/data_parallel_bench.sh DATA [--nproc N] [--records R] [CLI TRAIN FLAGS...]
# DATA: labelled issues (../shared/data/ticket-tagger/issues-en.fasttext.txt);
# the first R (--records, default 640) train, 10 % of them validate.
set -euo pipefail
cd "$(dirname "$0")/../.."
cli=${CLI:-build/dev/app/cli/issuebert-cli}
data="$1"
shift
nproc=2
records=640
while [[ $# -gt 0 ]]; do
    case "$1" in
    --nproc) nproc="$2"; shift 2 ;;
    --records) records="$2"; shift 2 ;;
    *) break ;;
    esac
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cores=$(nproc)
# A file of one issue a line (fastText, JSON Lines) is shuffled with a fixed
# seed first, so the first R issues mix the classes as the whole file does.
case "$data" in
*.txt | *.jsonl)
    python3 - "$data" "$work/shuffled.${data##*.}" <<'PY'
import random, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines(keepends=True)
random.Random(42).shuffle(lines)
open(sys.argv[2], "w", encoding="utf-8").writelines(lines)
PY
    data="$work/shuffled.${data##*.}"
    ;;
esac

# run NAME WRAPPER... -- FLAGS...: one epoch; prints samples/s.
run() {
    local name="$1"
    shift
    local wrapper=()
    while [[ "$1" != "--" ]]; do wrapper+=("$1"); shift; done
    shift
    "${wrapper[@]}" "$cli" train --train "$data" --out "$work/$name" --epochs 1 \
        --max-records "$records" --val-split 0.1 "$@" >/dev/null 2>"$work/$name.err" ||
        { cat "$work/$name.err" >&2; exit 1; }
    python3 - "$work/$name/metrics.jsonl" <<'PY'
import json, sys
steps = [e for e in map(json.loads, open(sys.argv[1])) if e.get("event") == "step"]
print(f"{steps[-1]['samples_per_second']:.2f}")
PY
}

one_one=$(run one-one taskset -c 0 -- "$@")
one_all=$(run one-all env -- "$@")
n_one=$(run n-one env -- --nproc "$nproc" "$@")
python3 - "$one_one" "$one_all" "$n_one" "$nproc" "$cores" <<'PY'
import sys
one_one, one_all, n_one = map(float, sys.argv[1:4])
n, cores = int(sys.argv[4]), int(sys.argv[5])
print(f"{'processes x threads':<22}{'samples/s':>10}{'vs 1 x 1':>10}")
print(f"{'1 x 1':<22}{one_one:>10.2f}{1:>10.2f}")
print(f"{'1 x ' + str(cores):<22}{one_all:>10.2f}{one_all / one_one:>10.2f}")
share = max(1, cores // n)
print(f"{str(n) + ' x ' + str(share):<22}{n_one:>10.2f}{n_one / one_one:>10.2f}")
print(f"scaling efficiency of {n} processes: {n_one / (n * one_one) * 100:.0f} % "
      f"(against {n} x the 1 x 1 figure)")
PY
