#!/usr/bin/env bash
# End-to-end check of `issuebert-cli data stats`: exit codes, the --json keys and
# error messages that name the file and line. Usage: cli_data.sh CLI REPO_ROOT
set -u

cli="${1:?usage: cli_data.sh PATH_TO_ISSUEBERT_CLI REPO_ROOT}"
source "$(dirname "${BASH_SOURCE[0]}")/lib/expect.sh"
e2e_workdir

# expect_rc NAME WANTED_RC ARGS... : runs the CLI, keeps stdout/stderr in $work.
expect_rc() {
    local name="$1" want="$2"
    shift 2
    "$cli" "$@" >"$work/out" 2>"$work/err"
    local rc=$?
    if [ "$rc" -eq "$want" ]; then
        pass "$name (exit $rc)"
    else
        fail "$name: exit $rc, expected $want; stderr: $(head -c 400 "$work/err")"
    fi
}

# expect_text NAME FILE FRAGMENT : FILE must contain FRAGMENT literally.
expect_text() {
    if grep -qF -- "$3" "$2"; then
        pass "$1"
    else
        fail "$1: '$3' not in: $(head -c 400 "$2")"
    fi
}

cat >"$work/train.json" <<'JSON'
[
  {"Title": "Crash on start", "Body": "It crashes.", "Label": 0},
  {"Title": "Add dark mode", "Body": "Please", "Label": 1},
  {"Title": "How do I?", "Body": "", "Label": 2},
  {"Title": "Crash on start", "Body": "It crashes.", "Label": 0}
]
JSON
printf 'repo,created_at,label,title,body\r\na/b,2020,bug,"Crash, again","two\r\nlines"\r\nc/d,2021,enhancement,Dark mode,x\r\n' >"$work/issues.csv"
printf 'title,body,label\na,b,bug\nc,"never closed\nmore\n' >"$work/broken.csv"
printf '[{"Title": "a", "Label": 0},\n {"Title": "b", "Label": 7}]\n' >"$work/seven.json"
printf 'Summary,Details,Kind\nx,y,Defect\n' >"$work/custom.csv"

expect_rc "human summary of a MachineHack file" 0 data stats "$work/train.json"
expect_text "summary names the format" "$work/out" "json"
expect_text "summary lists the bug count" "$work/out" "bug"
expect_text "summary counts the duplicate" "$work/out" "Duplicate texts  1"

expect_rc "json output" 0 data stats "$work/train.json" --json
if python3 - "$work/out" 2>"$work/pyerr" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for key in ("rows", "labels", "unlabeled", "empty_texts", "duplicates", "length_percentiles",
            "file", "format", "fields", "invalid_utf8", "nul_bytes"):
    assert key in d, "missing key " + key
assert d["rows"] == 4, d["rows"]
assert d["labels"] == {"bug": 2, "feature": 1, "question": 1}, d["labels"]
assert d["duplicates"] == 1 and d["unlabeled"] == 0 and d["format"] == "json"
assert d["length_percentiles"]["p50"] > 0 and "p100" in d["length_percentiles"]
PY
then pass "json keys and values"; else fail "json keys and values: $(tail -n 1 "$work/pyerr")"; fi

expect_rc "csv with string labels and a label map" 0 data stats "$work/issues.csv" --json \
    --map-label enhancement=feature
expect_text "label map applied" "$work/out" '"feature": 1'

expect_rc "explicit field mapping" 0 data stats "$work/custom.csv" --title Summary \
    --body Details --label Kind --json
expect_text "mapped label counted" "$work/out" '"Defect": 1'

expect_rc "unclosed CSV quote is bad input" 2 data stats "$work/broken.csv"
expect_text "error names file and line" "$work/err" "broken.csv: line 4: quoted field opened at line 3 is never closed"

expect_rc "MachineHack label 7 is bad input" 2 data stats "$work/seven.json"
expect_text "error names record and field" "$work/err" 'seven.json: record 2: "Label" is 7; expected 0, 1 or 2'

expect_rc "mapping a missing field is bad input" 2 data stats "$work/train.json" --title Summary
expect_text "error lists the fields" "$work/err" 'the title field "Summary" is in no record; fields are: Title, Body, Label'

expect_rc "a missing file is bad input" 2 data stats "$work/nope.json"
expect_text "error names the missing file" "$work/err" "nope.json"

expect_rc "--mapping names several roles at once" 0 data stats "$work/custom.csv" \
    --mapping title=Summary,body=Details,label=Kind --json
expect_text "--mapping label counted" "$work/out" '"Defect": 1'
expect_rc "--mapping with an unknown role is a usage error" 2 data stats "$work/custom.csv" \
    --mapping kind=Kind
expect_text "unknown role named" "$work/err" '--mapping: unknown role "kind"'

expect_rc "data --help" 0 data --help
expect_text "data --help shows the command's usage" "$work/out" "usage: issuebert-cli data stats FILE"
expect_text "data --help lists --mapping" "$work/out" "--mapping ROLE=FIELD"
expect_rc "data stats FILE --help" 0 data stats "$work/train.json" --help
expect_text "help wins over the rest" "$work/out" "--map-label OLD=NEW"

expect_rc "an unknown format is bad input" 2 data stats "$work/train.json" --format xml
expect_rc "a malformed label map is bad input" 2 data stats "$work/train.json" --map-label bug
expect_rc "no FILE is a usage error" 2 data stats
expect_text "a usage error shows the command's help" "$work/err" "usage: issuebert-cli data stats FILE"
expect_rc "an unknown option is a usage error" 2 data stats "$work/train.json" --bogus

report
