#!/usr/bin/env bash
# End-to-end: issuebert-cli tokenize as a user runs it, with the committed
# MiniLM vocabulary. Usage: cli_tokenize.sh CLI REPO_ROOT
set -u
cli="$1"
root="$2"
model="$root/tests/fixtures/minilm"
source "$(dirname "${BASH_SOURCE[0]}")/lib/expect.sh"
e2e_workdir

# expect NAME EXPECTED_OUTPUT COMMAND...: stdout must equal EXPECTED_OUTPUT and the exit code 0.
expect() {
    local name="$1" want="$2"
    shift 2
    local got rc
    got="$("$@" 2>"$work/stderr")"
    rc=$?
    if [[ $rc -eq 0 && "$got" == "$want" ]]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        printf 'FAIL %s (exit %s)\n  expected: %s\n  got:      %s\n  stderr:   %s\n' \
            "$name" "$rc" "$want" "$got" "$(cat "$work/stderr")"
    fi
}

expect "tokens of one text" "hello , world !" "$cli" tokenize --model "$model" "Hello, World!"
expect "one line per text" $'hello\nuna ##ffa ##ble' "$cli" tokenize --model "$model" Hello unaffable
expect "ids" "7592 1010 2088 999" "$cli" tokenize --model "$model" --ids "Hello, World!"
expect "accents and CJK" "cafe 中 文" "$cli" tokenize --model "$model" "Café 中文"
expect "max length shows the model input, truncated, unpadded" \
    "[CLS] one two three four five six [SEP]" \
    "$cli" tokenize --model "$model" --max-len 8 "one two three four five six seven eight"
expect "head+tail truncation keeps both ends" \
    "[CLS] one two three six seven eight [SEP]" \
    "$cli" tokenize --model "$model" --max-len 8 --truncation head_tail \
    "one two three four five six seven eight"
expect "short text under max length is not padded" "101 7592 102" \
    "$cli" tokenize --model "$model" --max-len 16 --ids "hello"
expect "json line" \
    '{"text":"one two three four five six seven eight","tokens":["[CLS]","one","two","three","four","five","six","[SEP]"],"ids":[101,2028,2048,2093,2176,2274,2416,102],"truncated":true,"token_count":8}' \
    "$cli" tokenize --model "$model" --max-len 8 --json "one two three four five six seven eight"

printf '__label__bug It crashes!\r\n\nSecond [SEP] line\n' >"$work/input.txt"
expect "input file: a line is a text, labels not stripped, CRLF ok" \
    $'_ _ label _ _ bug it crashes !\n\nsecond [SEP] line' \
    "$cli" tokenize --model "$model" --input "$work/input.txt"
expect "input from stdin" "hello" bash -c "echo Hello | '$cli' tokenize --model '$model' --input -"

expect_error "missing model folder" 2 "no-such-model" "$cli" tokenize --model "$work/no-such-model" hi
expect_error "model folder without vocab.txt" 2 "vocab.txt" "$cli" tokenize --model "$work" hi
expect_error "unreadable input" 2 "missing.txt" "$cli" tokenize --model "$model" --input "$work/missing.txt"
expect_error "no text" 2 "TEXT" "$cli" tokenize --model "$model"
expect_error "no model" 2 "--model" "$cli" tokenize hello
expect_error "an unknown truncation" 2 "--truncation: \"middle\" is not one of head, head_tail" \
    "$cli" tokenize --model "$model" --max-len 8 --truncation middle hi
expect_error "truncation without a max length" 2 "--truncation needs --max-len" \
    "$cli" tokenize --model "$model" --truncation head hi
expect_error "max length out of range" 2 "between 8 and 512" "$cli" tokenize --model "$model" --max-len 4 hi

expect_error "unknown option shows the command's help" 2 "usage: issuebert-cli tokenize --model DIR" \
    "$cli" tokenize --model "$model" --bogus hi
head -c 17000000 /dev/zero | tr '\0' 'a' >"$work/long.txt"
expect_error "a line over 16 MiB is bad input" 2 "long.txt: line 1: the line is longer than 16 MiB" \
    "$cli" tokenize --model "$model" --input "$work/long.txt"

"$cli" tokenize --help >"$work/stdout" 2>"$work/stderr"
if [[ $? -eq 0 ]] && grep -qF -- "--max-len N" "$work/stdout"; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
    printf 'FAIL tokenize --help: %s\n' "$(cat "$work/stdout" "$work/stderr")"
fi

# --clean: the text the model sees, in the JSON and in the tokens.
"$cli" tokenize --model "$model" --clean comments,urls --json \
    "Crash <!-- describe the bug --> see https://example.org/a/b" >"$work/stdout" 2>"$work/stderr"
if [[ $? -eq 0 ]] && python3 - "$work/stdout" <<'EOF'; then
import json, sys
line = json.loads(open(sys.argv[1]).read())
assert "describe" not in line["tokens"] and "describe" in line["text"], line
assert line["cleaned"].split() == ["Crash", "see", "example.org"], line["cleaned"]
EOF
    passed=$((passed + 1))
else
    failed=$((failed + 1))
    printf 'FAIL tokenize --clean: %s\n' "$(cat "$work/stdout" "$work/stderr")"
fi
expect_error "an unknown clean-up step" 2 "--clean: \"comments,typo\"" \
    "$cli" tokenize --model "$model" --clean comments,typo hi

report
