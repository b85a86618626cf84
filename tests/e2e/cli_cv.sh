#!/usr/bin/env bash
# End-to-end: issuebert-cli cv as a user runs it — per-fold and mean ± std
# scores on held-out folds, cv.json, --json lines, folds that really hold out
# (every issue tested once, on its own fold), and bad
# input. A tiny BERT keeps it fast. Usage: cli_cv.sh CLI REPO_ROOT
set -u
cli="$1"
root="$2"
source "$(dirname "${BASH_SOURCE[0]}")/lib/expect.sh"
e2e_workdir

model="$work/tiny"
tiny_model "$model" "$root"
data="$root/resources/sample/train.json"
quick=(--model "$model" --max-len 64 --batch-size 16 --lr 2e-3 --max-records 240 --epochs 4)


# --- Three folds, as JSON lines and as cv.json --------------------------------
"$cli" cv --data "$data" --out "$work/cv" --folds 3 --json "${quick[@]}" \
    >"$work/cv.out" 2>"$work/cv.err"
rc=$?
if [[ $rc -eq 0 ]] && python3 - "$work/cv.out" "$work/cv/cv.json" <<'EOF'; then
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
folds = [l for l in lines if l["event"] == "fold"]
summary = [l for l in lines if l["event"] == "summary"]
assert len(folds) == 3 and len(summary) == 1, lines
assert sum(f["test_issues"] for f in folds) == 240, folds  # every issue tested once
assert all(f["train_issues"] + f["test_issues"] == 240 for f in folds), folds
cv = json.load(open(sys.argv[2]))
assert cv["runs"] == 3 and len(cv["folds"]) == 3 and not cv["cancelled"], cv
f1 = [f["macro_f1"] for f in cv["folds"]]
mean = sum(f1) / 3
assert abs(cv["macro_f1"]["mean"] - mean) < 1e-9, (cv["macro_f1"], f1)
std = (sum((v - mean) ** 2 for v in f1) / 2) ** 0.5
assert abs(cv["macro_f1"]["std"] - std) < 1e-9, (cv["macro_f1"], std)
assert abs(summary[0]["macro_f1_mean"] - mean) < 1e-9, summary
# Each fold is scored on its own held-out issues, all of them.
assert all(f["metrics"]["count"] == f["test_issues"] for f in cv["folds"]), cv["folds"]
assert cv["options"]["epochs"] == 4 and cv["options"]["max_length"] == 64, cv["options"]
EOF
    pass
else
    fail "cv --json: exit $rc; $(tail -5 "$work/cv.err")"
fi
# Each held-out fold's predictions: every issue once, with its true label, and
# the right ones are the fold's accuracy.
if python3 - "$work/cv" <<'EOF'; then
import csv, json, sys
cv = json.load(open(sys.argv[1] + "/cv.json"))
ids = []
for f in cv["folds"]:
    rows = list(csv.DictReader(open(f"{sys.argv[1]}/repeat-1-fold-{f['fold']}-predictions.csv",
                                    newline="", encoding="utf-8")))
    assert len(rows) == f["test_issues"], (f, len(rows))
    assert {"label", "predicted", "prob_bug", "prob_feature", "prob_question"} <= rows[0].keys()
    right = sum(r["label"] == r["predicted"] for r in rows) / len(rows)
    assert abs(right - f["accuracy"]) < 1e-9, (right, f["accuracy"])
    ids += [r["id"] for r in rows]
assert len(ids) == 240 and len(set(ids)) == 240, len(set(ids))
EOF
    pass
else
    fail "cv: the held-out folds' predictions files: $(ls "$work/cv")"
fi
# Without --keep-runs the folds' model folders are gone; cv.json stays.
if [[ ! -e "$work/cv/repeat-1-fold-1" && -s "$work/cv/cv.json" ]]; then pass; else
    fail "fold run folders left behind: $(ls "$work/cv")"
fi

# --- The printed summary, and --keep-runs -------------------------------------
"$cli" cv --data "$data" --out "$work/cv2" --folds 2 --keep-runs "${quick[@]}" --epochs 1 \
    >"$work/cv2.out" 2>"$work/cv2.err"
rc=$?
if [[ $rc -eq 0 ]] && grep -q "^macro-F1  0\.[0-9]* ± 0\.[0-9]*" "$work/cv2.out" &&
    grep -q "repeat 1 fold 2: macro-F1" "$work/cv2.out" &&
    [[ -e "$work/cv2/repeat-1-fold-2/best/config.json" ]]; then
    pass
else
    fail "cv summary: exit $rc; $(cat "$work/cv2.out") $(tail -5 "$work/cv2.err")"
fi

# --- --per-class: a learning curve's point trains on few, tests on all -------
"$cli" cv --data "$data" --out "$work/cv3" --folds 2 --per-class 10 --json "${quick[@]}" \
    --epochs 1 >"$work/cv3.out" 2>"$work/cv3.err"
rc=$?
if [[ $rc -eq 0 ]] && python3 - "$work/cv3.out" "$work/cv3/cv.json" <<'EOF'; then
import json, sys
folds = [json.loads(l) for l in open(sys.argv[1])]
folds = [f for f in folds if f["event"] == "fold"]
assert len(folds) == 2, folds
assert all(f["train_issues"] == 30 for f in folds), folds  # 10 of each of 3 classes
assert sum(f["test_issues"] for f in folds) == 240, folds  # held-out folds stay whole
assert json.load(open(sys.argv[2]))["train_per_class"] == 10
EOF
    pass
else
    fail "cv --per-class: exit $rc; $(cat "$work/cv3.out") $(tail -5 "$work/cv3.err")"
fi

# --- --only-folds: a stopped cross-validation finished with the same folds ----
"$cli" cv --data "$data" --out "$work/cv4" --folds 3 --only-folds 2 --json "${quick[@]}" \
    >"$work/cv4.out" 2>"$work/cv4.err"
rc=$?
if [[ $rc -eq 0 ]] && python3 - "$work/cv4.out" "$work/cv.out" <<'EOF'; then
import json, sys
only = [json.loads(l) for l in open(sys.argv[1])]
only = [f for f in only if f["event"] == "fold"]
full = [json.loads(l) for l in open(sys.argv[2])]
full = [f for f in full if f["event"] == "fold"]
assert [f["fold"] for f in only] == [2], only
# The same fold of the full run: the same issues, the same seed, the same scores.
assert only[0]["test_issues"] == full[1]["test_issues"], (only, full)
assert abs(only[0]["macro_f1"] - full[1]["macro_f1"]) < 1e-9, (only, full)
EOF
    pass
else
    fail "cv --only-folds: exit $rc; $(cat "$work/cv4.out") $(tail -5 "$work/cv4.err")"
fi

# --- --fold-seed: another training seed, the same held-out issues -------------
"$cli" cv --data "$data" --out "$work/cv5" --folds 3 --only-folds 2 --seed 43 --fold-seed 42 \
    --json "${quick[@]}" >"$work/cv5.out" 2>"$work/cv5.err"
rc=$?
if [[ $rc -eq 0 ]] && python3 - "$work/cv5" "$work/cv" <<'EOF'; then
import csv, json, sys
def rows(folder):
    return list(csv.DictReader(open(folder + "/repeat-1-fold-2-predictions.csv", newline="",
                                    encoding="utf-8")))
other, first = rows(sys.argv[1]), rows(sys.argv[2])
assert [r["id"] for r in other] == [r["id"] for r in first]  # the same issues held out
assert [r["prob_bug"] for r in other] != [r["prob_bug"] for r in first]  # trained otherwise
cv = json.load(open(sys.argv[1] + "/cv.json"))
assert cv["fold_seed"] == 42 and cv["options"]["seed"] == 43, (cv["fold_seed"], cv["options"])
EOF
    pass
else
    fail "cv --fold-seed: exit $rc; $(tail -5 "$work/cv5.err")"
fi

# --- Bad input ----------------------------------------------------------------
expect_error "no data" 2 "--data FILE is required" "$cli" cv --out "$work/x1"
expect_error "no out" 2 "--out DIR is required" "$cli" cv --data "$data"
expect_error "one fold" 2 "--folds" "$cli" cv --data "$data" --out "$work/x2" --folds 1
expect_error "a validation file" 2 "--val does not apply" \
    "$cli" cv --data "$data" --out "$work/x3" --val "$data"
expect_error "a folder in use" 2 "not empty" "$cli" cv --data "$data" --out "$work/cv" "${quick[@]}"
expect_error "more folds than issues" 2 "cannot fill 5 folds" \
    "$cli" cv --data "$data" --out "$work/x4" --folds 5 "${quick[@]}" --max-records 3
if [[ ! -e "$work/x4" ]]; then pass; else fail "refused data left its folder $work/x4"; fi
expect_error "a bad setting" 2 "learning rate" \
    "$cli" cv --data "$data" --out "$work/x5" "${quick[@]}" --lr 0
expect_error "zero per class" 2 "--per-class" \
    "$cli" cv --data "$data" --out "$work/x7" "${quick[@]}" --per-class 0
expect_error "a negative fold seed" 2 "--fold-seed: \"-1\" is not a whole number" \
    "$cli" cv --data "$data" --out "$work/x9" "${quick[@]}" --fold-seed -1
expect_error "a fold past the last" 2 "--only-folds" \
    "$cli" cv --data "$data" --out "$work/x8" --folds 3 "${quick[@]}" --only-folds 2,4
expect_error "a missing file" 2 "nope.json" "$cli" cv --data "$work/nope.json" --out "$work/x6"

report
