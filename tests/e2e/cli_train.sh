#!/usr/bin/env bash
# End-to-end: issuebert-cli train as a user runs it — a run folder, bad input,
# Ctrl-C and --resume, a crash (kill -9) and --resume giving the same model as
# an uninterrupted run. A tiny BERT keeps it fast. Usage: cli_train.sh CLI REPO_ROOT
set -u
cli="$1"
root="$2"
source "$(dirname "${BASH_SOURCE[0]}")/lib/expect.sh"
e2e_workdir
background="" # a training started in the background, ended on exit
e2e_on_exit() {
    if [[ -n "$background" ]]; then
        kill -KILL "$background" 2>/dev/null
        wait "$background" 2>/dev/null
    fi
}

# The tiny BERT (hidden 32, 2 layers) with MiniLM's vocabulary: a model folder
# the trainer starts from.
model="$work/tiny"
tiny_model "$model" "$root"
train="$root/resources/sample/train.json"
# Half the sample, short inputs: 9 steps an epoch.
# A validation split even on 160 issues (auto would train on all of them), so
# these runs evaluate.
quick=(--model "$model" --max-len 64 --batch-size 16 --lr 1e-3 --max-records 160 --val-split 0.1)

# --- A run to the end -------------------------------------------------------
start=$SECONDS
"$cli" train --train "$train" --out "$work/run" --epochs 1 "${quick[@]}" >"$work/stdout" 2>"$work/stderr"
rc=$?
missing=""
for f in best/config.json best/model.safetensors best/vocab.txt last/trainer_state.json \
    metrics.jsonl config.json; do
    [[ -e "$work/run/$f" ]] || missing="$missing $f"
done
if [[ $rc -eq 0 && -z "$missing" ]] && grep -qF "Run folder" "$work/stdout"; then
    pass
else
    fail "train to the end: exit $rc, missing:$missing; $(cat "$work/stdout" "$work/stderr")"
fi
echo "a 1-epoch run took $((SECONDS - start)) s"

# --- --epochs auto --lr auto --max-len auto: resolved for the data and the
# model, said, kept in config.json and the saved model ---------------------------
"$cli" train --train "$train" --out "$work/run-auto" --model "$model" --max-len auto \
    --batch-size 16 --max-records 40 --epochs auto --lr auto >"$work/auto.out" 2>"$work/auto.err"
rc=$?
# 40 issues: too few to validate on (auto validation: none), all 40 train in
# batches of 16: 3 steps an epoch, so the most epochs.
if [[ $rc -eq 0 ]] && cat "$work/auto.out" "$work/auto.err" | grep -q "Epochs (auto): 10" &&
    cat "$work/auto.out" "$work/auto.err" | grep -q "Max length (auto): " &&
    cat "$work/auto.out" "$work/auto.err" | grep -q "Validation (auto): none; 10 % of 40 issues" &&
    python3 -c 'import json, sys
c = json.load(open(sys.argv[1]))
m = json.load(open(sys.argv[2]))
n = c["max_length"]
assert c["epochs"] == 10 and c["learning_rate"] > 0 and c["val_fraction"] == 0, c
assert 64 <= n <= 256 and n % 32 == 0, c
assert m["max_length"] == n, m' "$work/run-auto/config.json" "$work/run-auto/best/issuebert.json"; then
    pass
else
    fail "train --epochs auto --lr auto --max-len auto: exit $rc; $(tail -5 "$work/auto.err")"
fi

# --- Bad input: exit 2 and a message naming the problem ---------------------
expect_error "no --train" 2 "--train FILE is required" "$cli" train --out "$work/x" "${quick[@]}"
expect_error "missing training file" 2 "no-such.json" \
    "$cli" train --train "$work/no-such.json" --out "$work/bad1" "${quick[@]}"
expect_error "missing model folder" 2 "no-such-model" \
    "$cli" train --train "$train" --out "$work/bad2" --model "$work/no-such-model" --max-len 64
if [[ -e "$work/bad2" ]]; then
    fail "a missing model folder left a run folder behind: $(ls -A "$work/bad2" 2>&1)"
else
    pass
fi
expect_error "learning rate 0" 2 "learning rate 0" \
    "$cli" train --train "$train" --out "$work/bad3" "${quick[@]}" --lr 0
expect_error "max length 5" 2 "max length 5" \
    "$cli" train --train "$train" --out "$work/bad4" "${quick[@]}" --max-len 5
expect_error "unknown device" 2 '--device: "tpu" is not one of' \
    "$cli" train --train "$train" --out "$work/bad5" "${quick[@]}" --device tpu
if ! nvidia-smi >/dev/null 2>&1; then
    expect_error "--device cuda without CUDA" 2 "no CUDA device" \
        "$cli" train --train "$train" --out "$work/bad6" "${quick[@]}" --device cuda
fi
expect_error "an existing run as --out" 2 "a training run is already there" \
    "$cli" train --train "$train" --out "$work/run" "${quick[@]}"
mkdir -p "$work/empty"
expect_error "--resume of a folder that is no run" 2 "$work/empty: not a run that can be resumed" \
    "$cli" train --resume "$work/empty"
expect_error "--resume of a model folder" 2 "$model: not a run that can be resumed" \
    "$cli" train --resume "$model"
expect_error "--resume takes the run's own settings" 2 "drop --train" \
    "$cli" train --resume "$work/run" --train "$train"
expect_error "--resume keeps the run's epochs" 2 "drop --epochs" \
    "$cli" train --resume "$work/run" --epochs 5
expect_error "a finished run has nothing to resume" 2 "nothing to resume" \
    "$cli" train --resume "$work/run"

# --- --json: one JSON object per line on stdout -----------------------------
"$cli" train --train "$train" --out "$work/run-json" --epochs 1 "${quick[@]}" --json \
    >"$work/events.jsonl" 2>"$work/stderr"
rc=$?
if [[ $rc -eq 0 ]] && python3 - "$work/events.jsonl" <<'EOF'; then
import json, sys
events = [json.loads(line) for line in open(sys.argv[1])]
kinds = {e["event"] for e in events}
assert {"step", "eval", "checkpoint", "finished"} <= kinds, kinds
assert events[-1]["event"] == "finished" and events[-1]["outcome"] == "finished", events[-1]
EOF
    pass
else
    fail "--json (exit $rc): $(head -c 2000 "$work/events.jsonl") $(cat "$work/stderr")"
fi

# --- Ctrl-C: exit 130, last/ kept; --resume finishes -----------------------
"$cli" train --train "$train" --out "$work/run-int" --epochs 2 "${quick[@]}" \
    >"$work/int.out" 2>"$work/int.err" &
background=$!
if wait_for "$work/run-int/metrics.jsonl" 'any(e["event"] == "step" for e in events)' "$background"; then
    kill -INT "$background"
fi
wait "$background"
rc=$?
background=""
if [[ $rc -eq 130 && -f "$work/run-int/last/trainer_state.json" ]]; then
    pass
else
    fail "Ctrl-C: exit $rc (want 130), last/: $(ls "$work/run-int/last" 2>&1); $(cat "$work/int.err")"
fi
"$cli" train --resume "$work/run-int" >"$work/stdout" 2>"$work/stderr"
rc=$?
if [[ $rc -eq 0 ]] && tail -n 1 "$work/run-int/metrics.jsonl" | grep -qF '"outcome":"finished"'; then
    pass
else
    fail "--resume after Ctrl-C: exit $rc; $(cat "$work/stderr")"
fi

# --- kill -9 in epoch 2, --resume: the same result as an uninterrupted run ---
start=$SECONDS
crash=(--train "$train" --epochs 2 "${quick[@]}")
"$cli" train "${crash[@]}" --out "$work/run-whole" >/dev/null 2>"$work/whole.err"
rc_whole=$?
"$cli" train "${crash[@]}" --out "$work/run-crash" >/dev/null 2>"$work/crash.err" &
background=$!
killed=no
if wait_for "$work/run-crash/metrics.jsonl" \
    'any(e["event"] == "checkpoint" and e["kind"] == "last" for e in events) and any(e["event"] == "step" and e["epoch"] == 2 for e in events)' \
    "$background"; then
    kill -KILL "$background" && killed=yes
fi
wait "$background" 2>/dev/null
background=""
"$cli" train --resume "$work/run-crash" >/dev/null 2>"$work/resume.err"
rc_resume=$?
if [[ $rc_whole -eq 0 && $killed == yes && $rc_resume -eq 0 ]] &&
    python3 - "$work/run-whole/metrics.jsonl" "$work/run-crash/metrics.jsonl" <<'EOF'; then
import json, sys
def final_eval(path):
    evals = [e for e in map(json.loads, open(path)) if e["event"] == "eval"]
    assert len(evals) == 2, (path, len(evals))  # one per epoch, none twice
    last = evals[-1]
    return last["loss"], last["metrics"]["accuracy"], last["metrics"]["confusion"]
whole, crashed = final_eval(sys.argv[1]), final_eval(sys.argv[2])
if whole != crashed:
    sys.exit(f"uninterrupted {whole} != resumed {crashed}")
EOF
    pass
else
    fail "kill -9 and --resume: whole exit $rc_whole, killed $killed, resume exit $rc_resume;" \
        "$(cat "$work/whole.err" "$work/resume.err")"
fi
echo "the crash-and-resume check took $((SECONDS - start)) s"

report
