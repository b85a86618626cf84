#!/usr/bin/env bash
# End-to-end (issue 12): a full disk — a real one, a 64 MiB tmpfs mounted in a
# user namespace of this test's own — while a run writes best/ or last/, and
# while predict writes its CSV: a clear error naming the file and the disk,
# never a signal; the previous best/, last/ and CSV intact, no temporaries
# left; and once space is freed, --resume finishes with the same evaluations
# as a run that never saw a full disk. Usage: cli_full_disk.sh CLI REPO_ROOT
# Exit 77 (skipped, said why) where no user namespace can be made.
set -u
cli="$1"
root="$2"
if [[ "${ISSUEBERT_FULL_DISK_INSIDE:-}" != 1 ]]; then
    if ! unshare --user --map-root-user --mount true 2>/dev/null; then
        echo "SKIP: no user namespace here (unshare --user --mount), so no small filesystem to fill"
        exit 77
    fi
    ISSUEBERT_FULL_DISK_INSIDE=1 exec unshare --user --map-root-user --mount bash "$0" "$@"
fi

source "$(dirname "${BASH_SOURCE[0]}")/lib/expect.sh"
e2e_workdir
disk="$work/disk"
e2e_on_exit() { umount "$disk" 2>/dev/null; }

mkdir -p "$disk"
if ! mount -t tmpfs -o size=64m tmpfs "$disk"; then
    echo "FAIL: cannot mount a tmpfs inside the user namespace"
    exit 1
fi

model="$work/tiny"
tiny_model "$model" "$root"
# 3 epochs of 9 steps, an evaluation each (best/ when it improves, then last/).
args=(--train "$root/resources/sample/train.json" --model "$model" --max-len 64 --batch-size 16
    --lr 1e-3 --max-records 160 --val-split 0.1 --epochs 3 --dropout 0.1)
"$cli" train "${args[@]}" --out "$work/whole" >/dev/null 2>"$work/whole.err" ||
    fail "the run on a roomy disk: $(cat "$work/whole.err")"

# fill_after_first_checkpoint RUN PID FREE: pauses PID once RUN's first last/
# checkpoint is in place, fills the disk but FREE bytes with a ballast file,
# and lets it go on.
fill_after_first_checkpoint() {
    python3 - "$@" <<'EOF'
import json, os, signal, sys, time
run, pid, free = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    try:
        lines = open(os.path.join(run, "metrics.jsonl")).read().splitlines()
    except OSError:
        lines = []
    if any('"kind":"last"' in line for line in lines):
        os.kill(pid, signal.SIGSTOP)
        disk = os.path.dirname(run)
        stat = os.statvfs(disk)
        ballast = stat.f_bavail * stat.f_frsize - free
        with open(os.path.join(disk, "ballast"), "wb") as f:
            f.write(b"\0" * max(ballast, 0))
        os.kill(pid, signal.SIGCONT)
        sys.exit(0)
    time.sleep(0.002)
sys.exit("no checkpoint within 60 s")
EOF
}

# evaluations_match RUN: the same evaluations as the run on a roomy disk,
# each once (the log reads as one run).
evaluations_match() {
    python3 - "$work/whole" "$1" <<'EOF'
import json, os, sys
def evals(run):
    events = [json.loads(line) for line in open(os.path.join(run, "metrics.jsonl"))]
    return [(e["step"], e["loss"], e["metrics"]["accuracy"]) for e in events if e["event"] == "eval"]
whole, full = evals(sys.argv[1]), evals(sys.argv[2])
if whole != full:
    sys.exit(f"evaluations differ:\n roomy disk {whole}\n full disk  {full}")
EOF
}

# full_disk_run NAME FREE: a run whose disk fills after its first checkpoint
# but FREE bytes; checks the error and what is left, frees the disk, resumes.
full_disk_run() {
    local name="$1" free="$2" run="$disk/$1"
    "$cli" train "${args[@]}" --out "$run" >"$work/$name.out" 2>"$work/$name.err" &
    local pid=$!
    fill_after_first_checkpoint "$run" "$pid" "$free" || fail "$name: the disk was not filled"
    wait "$pid"
    local rc=$?
    local said
    said="$(cat "$work/$name.err")"
    echo "$name, the disk full but $free bytes: exit $rc: $(grep -m1 -F "No space" "$work/$name.err")"
    if [[ $rc -ge 1 && $rc -lt 128 ]] && grep -qF "No space left on device" "$work/$name.err" &&
        grep -qF "$run" "$work/$name.err"; then
        pass
    else
        fail "$name: exit $rc (want an error, not a signal) naming $run and the full disk: $said"
    fi
    # What the run names as its best model is the last one it saved (9 steps an
    # epoch), not the one the full disk kept out of best/.
    if python3 - "$work/$name.err" <<'EOF'; then
import re, sys
text = open(sys.argv[1]).read()
saved = re.findall(r"saved the best model \(step (\d+)\)", text)
named = re.search(r"best model: \S+ \(epoch (\d+),", text)
if not saved or not named or int(named.group(1)) != int(saved[-1]) // 9:
    sys.exit(f"saved at steps {saved}, named {named.group(0) if named else None}")
EOF
        pass
    else
        fail "$name: the run names another best model than best/ holds"
    fi
    # best/ and last/ are the last complete ones; nothing half-written is left.
    "$cli" model info "$run/best" >/dev/null 2>"$work/info.err" && pass ||
        fail "$name: best/ does not load after the full disk: $(cat "$work/info.err")"
    python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$run/last/trainer_state.json" &&
        pass || fail "$name: last/trainer_state.json unreadable after the full disk"
    local left
    left="$(find "$run" -name '*.tmp-*' -o -name '*.pending' -o -name '*.old*')"
    [[ -z "$left" ]] && pass || fail "$name: left after the full disk: $left"
    # Space freed: the run resumes and ends as the run on a roomy disk did.
    rm -f "$disk/ballast"
    if "$cli" train --resume "$run" >/dev/null 2>"$work/$name-resume.err" &&
        evaluations_match "$run"; then
        pass
    else
        fail "$name: --resume once space was freed: $(cat "$work/$name-resume.err")"
    fi
    rm -rf "$run"
}

# best/ (4.2 MB) cannot be written: 1 MiB left.
full_disk_run best-save $((1 << 20))
# best/ fits, last/ (12 MB: the weights, the optimizer state) does not.
full_disk_run checkpoint $(((5 << 20) + (1 << 19)))

# --- predictions CSV on a full disk: the previous file stays as it was -------
csv="$disk/predictions.csv"
"$cli" predict --model "$work/whole/best" --data "$root/resources/sample/test.json" --out "$csv" \
    >/dev/null 2>"$work/predict.err" || fail "predict on a roomy disk: $(cat "$work/predict.err")"
cp "$csv" "$work/predictions.before"
head -c 200M /dev/zero >"$disk/ballast" 2>/dev/null # fills the disk, then fails
"$cli" predict --model "$work/whole/best" --data "$root/resources/sample/test.json" --out "$csv" \
    >/dev/null 2>"$work/predict.err"
rc=$?
echo "predict onto the full disk: exit $rc: $(head -c 300 "$work/predict.err")"
if [[ $rc -ge 1 && $rc -lt 128 ]] && grep -qF "No space left on device" "$work/predict.err" &&
    grep -qF "$csv" "$work/predict.err"; then
    pass
else
    fail "predict onto a full disk: exit $rc, want an error naming $csv and the full disk:" \
        "$(cat "$work/predict.err")"
fi
cmp -s "$csv" "$work/predictions.before" && pass ||
    fail "the previous predictions.csv changed when the disk was full"
left="$(find "$disk" -name '.predictions.csv.tmp-*')"
[[ -z "$left" ]] && pass || fail "temporaries left by predict on a full disk: $left"
rm -f "$disk/ballast"
"$cli" predict --model "$work/whole/best" --data "$root/resources/sample/test.json" --out "$csv" \
    >/dev/null 2>"$work/predict.err" && cmp -s "$csv" "$work/predictions.before" && pass ||
    fail "predict once space was freed: $(cat "$work/predict.err")"

report
