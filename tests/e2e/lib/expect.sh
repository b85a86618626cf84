# Shared by the e2e scripts (source it, then call e2e_workdir): a scratch
# folder, pass/fail counters and checks, the bad-input check, and the closing
# "N passed, N failed".
passed=0
failed=0

# e2e_workdir: a fresh scratch folder in $work, removed on exit — after the
# script's own e2e_on_exit, when it defines one (to stop a background job or
# unmount) — with the Hugging Face and XDG caches inside it, so no test reads
# or writes the user's.
e2e_workdir() {
    work="$(mktemp -d)"
    trap _e2e_exit EXIT
    export HF_HUB_CACHE="$work/hub" XDG_CACHE_HOME="$work/xdg"
    unset HF_HOME
}
_e2e_exit() {
    if declare -F e2e_on_exit >/dev/null; then
        e2e_on_exit
    fi
    rm -rf "$work"
}

# pass / fail MESSAGE: count a check (fail prints "FAIL MESSAGE").
pass() { passed=$((passed + 1)); }
fail() {
    failed=$((failed + 1))
    printf 'FAIL %s\n' "$*"
}

# expect_error NAME EXIT_CODE MESSAGE_FRAGMENT COMMAND...: the exit code and stderr must match.
expect_error() {
    local name="$1" code="$2" fragment="$3"
    shift 3
    "$@" >"$work/stdout" 2>"$work/stderr"
    local rc=$?
    if [[ $rc -eq $code ]] && grep -qF -- "$fragment" "$work/stderr"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        printf 'FAIL %s: exit %s (want %s), stderr: %s\n' "$name" "$rc" "$code" "$(cat "$work/stderr")"
    fi
}

# report: the closing line ctest's log shows; the status fails when any check did.
report() {
    echo "$passed passed, $failed failed"
    [[ $failed -eq 0 ]]
}

# tiny_model DIR ROOT: the tiny BERT (hidden 32, 2 layers) with MiniLM's
# vocabulary, a model folder the trainer starts from, made in DIR.
tiny_model() {
    mkdir -p "$1"
    cp "$2/tests/fixtures/model/tiny/"{config.json,model.safetensors} "$1/"
    cp "$2/tests/fixtures/minilm/"{vocab.txt,tokenizer_config.json,special_tokens_map.json} "$1/"
}

# wait_for FILE PYTHON_CONDITION [PID]: polls until the condition on the parsed
# JSON lines of FILE (a list called events) holds; false when PID (if given)
# ended first, or after 60 s.
wait_for() {
    local file="$1" condition="$2" pid="${3:-0}"
    python3 - "$file" "$condition" "$pid" <<'EOF'
import json, os, sys, time
path, condition, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    events = []
    try:
        with open(path) as f:
            for line in f:
                try:
                    events.append(json.loads(line))
                except ValueError:
                    pass  # a line being written
    except OSError:
        pass
    if eval(condition):
        sys.exit(0)
    if pid:
        try:
            os.kill(pid, 0)
        except OSError:
            sys.exit(1)
    time.sleep(0.005)
sys.exit(1)
EOF
}
