#!/usr/bin/env bash
# End-to-end: data-parallel training as a user runs it — `train --nproc 2`
# (two processes, c10d's Gloo on loopback, one thread each) trains what one
# process with the whole batches trains (the same loss at every step within
# 1e-5, the same metrics) and predicts the same CSV; a 2-process run stopped with Ctrl-C resumes in one
# process; the launcher stopped or killed stops every rank with last/ kept;
# a rank killed, or hung, makes the other stop within the timeout,
# naming it, with best/ intact and the run resumable; a port in use, an absent
# master or a malformed variable is a clear error. Usage: cli_distributed.sh CLI REPO_ROOT
set -u
cli="$1"
root="$2"
source "$(dirname "${BASH_SOURCE[0]}")/lib/expect.sh"
e2e_workdir
background="" # a run started in the background (its own process group), ended on exit
listener=""   # a process holding a port
e2e_on_exit() {
    if [[ -n "$background" ]]; then
        kill -KILL -- "-$background" 2>/dev/null
        wait "$background" 2>/dev/null
    fi
    [[ -n "$listener" ]] && kill "$listener" 2>/dev/null
}

model="$work/tiny"
tiny_model "$model" "$root"
train="$root/resources/sample/train.json"
# fp32: bf16 rounds each process's partial sums differently, far above 1e-5.
quick=(--model "$model" --train "$train" --max-len 64 --batch-size 16 --lr 1e-3
    --max-records 160 --val-split 0.1 --precision fp32)

"$cli" train "${quick[@]}" --epochs 2 --out "$work/probe" --nproc 2 >"$work/stdout" 2>"$work/stderr"
if grep -q "has no c10d" "$work/stderr"; then
    echo "SKIP: this build has no c10d Gloo (Debian: libgloo-dev): data parallel is off"
    exit 77
fi

# compare A B: the step losses of two runs' metrics.jsonl within 1e-5 at every
# step, the same evaluations; prints what differs.
compare() {
    python3 - "$1" "$2" <<'PY'
import json, sys
def events(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]
a, b = events(sys.argv[1]), events(sys.argv[2])
steps = lambda es: [(e["step"], e["loss"]) for e in es if e["event"] == "step"]
evals = lambda es: [(e["step"], e["metrics"]["accuracy"], e["metrics"]["macro_f1"], e["loss"])
                    for e in es if e["event"] == "eval"]
sa, sb = steps(a), steps(b)
if [s for s, _ in sa] != [s for s, _ in sb] or not sa:
    sys.exit(f"steps differ: {[s for s, _ in sa]} against {[s for s, _ in sb]}")
worst = max(abs(x - y) for (_, x), (_, y) in zip(sa, sb))
if worst > 1e-5:
    sys.exit(f"a step loss differs by {worst:g}")
ea, eb = evals(a), evals(b)
if [e[:3] for e in ea] != [e[:3] for e in eb] or not ea:
    sys.exit(f"evaluations differ: {ea} against {eb}")
if max(abs(x[3] - y[3]) for x, y in zip(ea, eb)) > 1e-5:
    sys.exit(f"validation losses differ: {ea} against {eb}")
PY
}


# children_of PID: its child processes (from /proc: no procps needed).
children_of() {
    local status
    for status in /proc/[0-9]*/status; do
        if grep -qx "PPid:[[:space:]]*$1" "$status" 2>/dev/null; then
            basename "$(dirname "$status")"
        fi
    done
}

# rank_pid LAUNCHER RANK: the process of that rank among the launcher's children.
rank_pid() {
    local child
    for child in $(children_of "$1"); do
        if tr '\0' '\n' <"/proc/$child/environ" 2>/dev/null | grep -qx "RANK=$2"; then
            echo "$child"
            return
        fi
    done
}

# --- Two processes train what one process trains ---------------------------
"$cli" train "${quick[@]}" --epochs 2 --out "$work/one" --json >"$work/one.jsonl" 2>"$work/one.err"
rc=$?
[[ $rc -eq 0 ]] && pass || fail "one process: exit $rc: $(cat "$work/one.err")"
"$cli" train "${quick[@]}" --epochs 2 --out "$work/two" --nproc 2 --json >"$work/two.jsonl" \
    2>"$work/two.err"
rc=$?
[[ $rc -eq 0 ]] && pass || fail "two processes: exit $rc: $(cat "$work/two.err")"
if message=$(compare "$work/one/metrics.jsonl" "$work/two/metrics.jsonl"); then pass; else
    fail "two processes against one: $message"; fi
[[ -f "$work/two/best/config.json" && -f "$work/two/last/trainer_state.json" ]] && pass ||
    fail "two processes: no best/ or last/ in $(ls "$work/two")"
# One report: rank 0's events only, and it says it ran in two processes.
[[ $(grep -c '"event":"finished"' "$work/two.jsonl") -eq 1 ]] && pass ||
    fail "two processes: $(grep -c '"event":"finished"' "$work/two.jsonl") finished events on stdout"
grep -q "Data parallel: 2 processes" "$work/two.jsonl" && pass ||
    fail "two processes: the log does not say it ran in 2 processes"

# Three processes (uneven shares of 8 rows), gradient accumulation and class
# weights: still one process's run.
uneven=("${quick[@]}" --epochs 1 --batch-size 8 --grad-accum 2 --class-weights balanced)
"$cli" train "${uneven[@]}" --out "$work/one-acc" --json >/dev/null 2>&1
"$cli" train "${uneven[@]}" --out "$work/three-acc" --nproc 3 --json >/dev/null 2>"$work/three.err"
if message=$(compare "$work/one-acc/metrics.jsonl" "$work/three-acc/metrics.jsonl"); then pass; else
    fail "three processes with accumulation and class weights against one: $message $(cat "$work/three.err")"; fi

# --- Two processes predict what one predicts, into one CSV in input order --
test_file="$root/resources/sample/test.json"
"$cli" predict --model "$work/one/best" --data "$test_file" --out "$work/one.csv" --precision fp32 \
    >/dev/null 2>"$work/predict.err"
rc1=$?
"$cli" predict --model "$work/one/best" --data "$test_file" --out "$work/two.csv" --precision fp32 \
    --nproc 2 >"$work/predict.out" 2>>"$work/predict.err"
rc2=$?
if [[ $rc1 -eq 0 && $rc2 -eq 0 ]] && cmp -s "$work/one.csv" "$work/two.csv"; then pass; else
    fail "predict in two processes: exit $rc1/$rc2, CSVs differ: $(diff "$work/one.csv" "$work/two.csv" | head -5) $(cat "$work/predict.err")"
fi
[[ $(grep -c "^Predicted [0-9]" "$work/predict.out") -eq 1 ]] && pass ||
    fail "predict in two processes: the summary is not printed once: $(cat "$work/predict.out")"

# --- Stopped with Ctrl-C in two processes, resumed in one ------------------
"$cli" train "${quick[@]}" --epochs 3 --out "$work/whole" --json >/dev/null 2>&1
setsid "$cli" train "${quick[@]}" --epochs 3 --out "$work/stopped" --nproc 2 --json \
    >"$work/stopped.jsonl" 2>"$work/stopped.err" &
background=$!
if wait_for "$work/stopped/metrics.jsonl" \
    'any(e.get("event") == "checkpoint" and e.get("kind") == "last" for e in events)'; then
    kill -INT -- "-$background" # Ctrl-C in the terminal: every process of the group
fi
wait "$background"
rc=$?
background=""
[[ $rc -eq 130 ]] && pass || fail "Ctrl-C in two processes: exit $rc (want 130): $(cat "$work/stopped.err")"
"$cli" train --resume "$work/stopped" --json >"$work/resumed.jsonl" 2>"$work/resumed.err"
rc=$?
[[ $rc -eq 0 ]] && pass || fail "resumed in one process: exit $rc: $(cat "$work/resumed.err")"
if message=$(compare "$work/whole/metrics.jsonl" "$work/stopped/metrics.jsonl"); then pass; else
    fail "stopped in two processes, resumed in one, against one uninterrupted: $message"; fi

# --- The launcher stopped (SIGTERM) or killed: the ranks stop, last/ kept ---
setsid "$cli" train "${quick[@]}" --epochs 40 --out "$work/termed" --nproc 2 --json \
    >/dev/null 2>"$work/termed.err" &
background=$!
if wait_for "$work/termed/metrics.jsonl" 'any(e.get("event") == "step" for e in events)'; then
    kill -TERM "$background" # the launcher alone
fi
wait "$background"
rc=$?
background=""
[[ $rc -eq 130 && -f "$work/termed/last/trainer_state.json" ]] && pass ||
    fail "SIGTERM to the launcher: exit $rc (want 130, last/ kept): $(cat "$work/termed.err")"
setsid "$cli" train "${quick[@]}" --epochs 40 --out "$work/orphans" --nproc 2 --json \
    >/dev/null 2>&1 &
background=$!
orphans=""
if wait_for "$work/orphans/metrics.jsonl" 'any(e.get("event") == "step" for e in events)'; then
    orphans=$(children_of "$background" | tr '\n' ' ')
    kill -KILL "$background"
fi
wait "$background" 2>/dev/null
for _ in $(seq 100); do
    alive=""
    for pid in $orphans; do kill -0 "$pid" 2>/dev/null && alive="$alive $pid"; done
    [[ -z "$alive" ]] && break
    sleep 0.1
done
background=""
[[ -n "$orphans" && -z "$alive" && -f "$work/orphans/last/trainer_state.json" ]] && pass ||
    fail "the launcher killed: ranks ($orphans) still running: '$alive', or no last/"

# --- A rank killed: the other stops within the timeout and names it --------
setsid "$cli" train "${quick[@]}" --epochs 40 --out "$work/killed" --nproc 2 --dist-timeout 10 \
    --json >"$work/killed.jsonl" 2>"$work/killed.err" &
background=$!
if wait_for "$work/killed/metrics.jsonl" \
    'any(e.get("event") == "checkpoint" and e.get("kind") == "best" for e in events)'; then
    victim=$(rank_pid "$background" 1)
    if [[ -n "$victim" ]]; then
        kill -KILL "$victim"
        killed_at=$(date +%s)
    fi
fi
wait "$background"
rc=$?
background=""
took=$(($(date +%s) - ${killed_at:-0}))
[[ -n "${victim:-}" ]] && pass || fail "rank 1's process was not found among the launcher's children"
[[ $rc -ne 0 && $took -le 20 ]] && pass ||
    fail "rank 1 killed: exit $rc after $took s (want a failure within the 10 s timeout and 10 s of grace)"
grep -q "rank 1 was killed by signal 9" "$work/killed.err" && pass ||
    fail "rank 1 killed: the launcher does not name it: $(cat "$work/killed.err")"
grep -q "rank 1 stopped answering" "$work/killed.err" "$work/killed.jsonl" && pass ||
    fail "rank 1 killed: rank 0 does not name it: $(cat "$work/killed.err")"
[[ -f "$work/killed/best/config.json" ]] && pass || fail "rank 1 killed: best/ is gone"
"$cli" train --resume "$work/killed" --json >/dev/null 2>"$work/resumed.err"
rc=$?
[[ $rc -eq 0 ]] && pass || fail "resume after a rank was killed: exit $rc: $(cat "$work/resumed.err")"

# --- A rank that hangs: the other stops after the timeout, naming it --------
setsid "$cli" train "${quick[@]}" --epochs 40 --out "$work/hung" --nproc 2 --dist-timeout 4 \
    --json >"$work/hung.jsonl" 2>"$work/hung.err" &
background=$!
victim=""
if wait_for "$work/hung/metrics.jsonl" 'any(e.get("event") == "step" for e in events)'; then
    victim=$(rank_pid "$background" 1)
    [[ -n "$victim" ]] && kill -STOP "$victim"
fi
started=$(date +%s)
wait "$background"
rc=$?
background=""
took=$(($(date +%s) - started))
[[ -n "$victim" && $rc -ne 0 && $took -le 25 ]] && pass ||
    fail "rank 1 hung: exit $rc after $took s (want a failure after the 4 s timeout, 14 s at most for the launcher)"
grep -q "rank 1 stopped answering" "$work/hung.err" "$work/hung.jsonl" && pass ||
    fail "rank 1 hung: rank 0 does not name it: $(cat "$work/hung.err")"
grep -q "rank 1 did not stop on its own" "$work/hung.err" && pass ||
    fail "rank 1 hung: the launcher does not say it ended it: $(cat "$work/hung.err")"

# --- Rendezvous failures are clear errors ----------------------------------
port_file="$work/port"
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
open(sys.argv[1], "w").write(str(s.getsockname()[1])); time.sleep(120)' "$port_file" &
listener=$!
for _ in $(seq 100); do [[ -s "$port_file" ]] && break; sleep 0.05; done
taken=$(cat "$port_file")
expect_error "rank 0 on a port in use" 2 "is the port in use?" \
    env WORLD_SIZE=2 RANK=0 MASTER_ADDR=127.0.0.1 MASTER_PORT="$taken" \
    "$cli" train "${quick[@]}" --epochs 1 --out "$work/taken" --dist-timeout 5
kill "$listener" 2>/dev/null
listener=""
free=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
expect_error "no master" 2 "cannot reach rank 0's rendezvous store at 127.0.0.1:$free" \
    env WORLD_SIZE=2 RANK=1 MASTER_ADDR=127.0.0.1 MASTER_PORT="$free" \
    "$cli" train "${quick[@]}" --epochs 1 --out "$work/alone" --dist-timeout 2
expect_error "a malformed variable" 2 "RANK is 'one'" \
    env WORLD_SIZE=2 RANK=one "$cli" train "${quick[@]}" --epochs 1 --out "$work/bad"

report
