#!/usr/bin/env bash
# End-to-end (issue 12): training runs killed with kill -9 again and again —
# at 24 random moments (start-up, steps, evaluations, saves) and 6 more times
# the moment last/ or best/ starts being written — each time followed by
# --resume (or, before config.json exists, the same command again), finish
# with the same evaluations and the same best/ weights as a run never
# interrupted, and nothing left over. Usage: cli_kill.sh CLI REPO_ROOT
set -u
cli="$1"
root="$2"
source "$(dirname "${BASH_SOURCE[0]}")/lib/expect.sh"
e2e_workdir
background=""
e2e_on_exit() {
    if [[ -n "$background" ]]; then
        kill -KILL "$background" 2>/dev/null
        wait "$background" 2>/dev/null
    fi
}

model="$work/tiny"
tiny_model "$model" "$root"
# 144 training issues, 9 steps an epoch, an evaluation (best/ when it
# improves, then last/) every 3 steps: 108 steps and 36 checkpoints, ~5 s.
args=(--train "$root/resources/sample/train.json" --model "$model" --max-len 64 --batch-size 16
    --lr 1e-3 --max-records 160 --val-split 0.1 --epochs 12 --eval-every 3 --patience 100
    --dropout 0.1)

"$cli" train "${args[@]}" --out "$work/whole" >/dev/null 2>"$work/whole.err" ||
    fail "the uninterrupted run: $(cat "$work/whole.err")"

# kill_when_writing PID: SIGKILL the moment $run's last.pending/ or a
# .best.tmp- folder appears; prints "hit" when the kill landed while it was
# still there, "missed" when the process ended first.
kill_when_writing() {
    python3 - "$run" "$1" <<'EOF'
import os, signal, sys, time
run, pid = sys.argv[1], int(sys.argv[2])
def writing():
    try:
        return [n for n in os.listdir(run) if n == "last.pending" or n.startswith(".best.tmp-")]
    except OSError:
        return []
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    found = writing()
    if found:
        os.kill(pid, signal.SIGKILL)
        print("hit" if any(os.path.exists(os.path.join(run, n)) for n in found) else "missed")
        sys.exit(0)
    try:
        if open(f"/proc/{pid}/stat").read().split()[2] == "Z":
            break
    except OSError:
        break
print("missed")
EOF
}

# attempt [random|writing]: starts $run (resumes it once config.json is
# there); "random" kills it at a random moment of its first second, "writing"
# the moment it starts writing last/ or best/. Sets rc and killed.
attempt() {
    starts=$((starts + 1))
    if [[ -f "$run/config.json" ]]; then
        "$cli" train --resume "$run" >"$work/try.out" 2>"$work/try.err" &
    else
        "$cli" train "${args[@]}" --out "$run" >"$work/try.out" 2>"$work/try.err" &
    fi
    background=$!
    killed=no
    if [[ ${1:-} == random ]]; then
        sleep "0.$(printf '%03d' $((RANDOM % 1000)))"
        kill -KILL "$background" 2>/dev/null && killed=yes
    elif [[ ${1:-} == writing ]]; then
        [[ $(kill_when_writing "$background") == hit ]] && killed=yes
    fi
    wait "$background" 2>/dev/null
    rc=$?
    background=""
    if [[ $rc -ne 0 && $rc -ne 137 ]]; then
        fail "start $starts of $run: exit $rc: $(cat "$work/try.err")"
    fi
}

# check_run: lets $run finish, then compares it with the uninterrupted run:
# the same evaluations, each once (the log reads as one run), the same best/
# weights, nothing left over, and best/ loads.
check_run() {
    local limit=$((starts + 40))
    while [[ $rc -eq 137 && $starts -lt $limit ]]; do
        attempt # no more kills: resume until it finishes
    done
    runs=$((runs + 1))
    if python3 - "$work/whole" "$run" <<'EOF'; then
import hashlib, json, os, sys
def evals(run):
    events = [json.loads(line) for line in open(os.path.join(run, "metrics.jsonl"))]
    return [(e["step"], e["loss"], e["metrics"]["accuracy"], e["metrics"]["confusion"])
            for e in events if e["event"] == "eval"]
whole, killed = evals(sys.argv[1]), evals(sys.argv[2])
if whole != killed:
    sys.exit(f"{sys.argv[2]}: evaluations differ:\n uninterrupted {whole}\n killed {killed}")
def digest(run):
    with open(os.path.join(run, "best", "model.safetensors"), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()
if digest(sys.argv[1]) != digest(sys.argv[2]):
    sys.exit(f"{sys.argv[2]}: best/model.safetensors differs from the uninterrupted run's")
left = [n for n in os.listdir(sys.argv[2]) if ".tmp-" in n or ".old" in n or n.endswith(".pending")]
if left:
    sys.exit(f"{sys.argv[2]}: left in the run folder: {left}")
EOF
        pass
    else
        fail "$run differs from the uninterrupted run"
    fi
    "$cli" model info "$run/best" >/dev/null 2>"$work/info.err" && pass ||
        fail "best/ of $run does not load: $(cat "$work/info.err")"
}

RANDOM=2026 # the same moments on every run of this test
random_kills=0
writing_kills=0
starts=0
runs=0

# 24 kills at random moments, over as many runs as they take.
run="$work/random-1"
rc=137
while [[ $random_kills -lt 24 && $starts -lt 200 ]]; do
    attempt random
    [[ $killed == yes ]] && random_kills=$((random_kills + 1))
    if [[ $rc -eq 0 ]]; then
        check_run
        run="$work/random-$((runs + 1))"
        rc=137
    fi
done
[[ -d "$run" ]] && check_run

# 6 kills the moment last/ or best/ starts being written, on one more run.
run="$work/writing"
rc=137
while [[ $writing_kills -lt 6 && $starts -lt 300 ]]; do
    attempt writing
    [[ $killed == yes ]] && writing_kills=$((writing_kills + 1))
    [[ $rc -eq 0 ]] && break
done
check_run

echo "$random_kills kills at random moments and $writing_kills while last/ or best/ was" \
    "being written, over $runs runs and $starts starts"
if [[ $random_kills -ge 24 && $writing_kills -ge 6 ]]; then
    pass
else
    fail "too few kills: $random_kills at random moments (want 24), $writing_kills while" \
        "writing (want 6)"
fi

report
