#!/usr/bin/env bash
# End-to-end: issuebert-cli evaluate, predict and explain as a user runs them,
# on a model fine-tuned here in a few seconds (a tiny BERT).
# Usage: cli_eval.sh CLI REPO_ROOT
set -u
cli="$1"
root="$2"
source "$(dirname "${BASH_SOURCE[0]}")/lib/expect.sh"
e2e_workdir
pid="" # a predict started in the background, ended on exit
e2e_on_exit() { [[ -n "$pid" ]] && kill -KILL "$pid" 2>/dev/null; }


# expect_contains NAME FRAGMENT COMMAND...: exit code 0 and stdout containing FRAGMENT.
expect_contains() {
    local name="$1" fragment="$2"
    shift 2
    "$@" >"$work/stdout" 2>"$work/stderr"
    local rc=$?
    if [[ $rc -eq 0 ]] && grep -qF -- "$fragment" "$work/stdout"; then
        pass
    else
        fail "$name (exit $rc)" $'\n  wanted: '"$fragment" $'\n  stdout: '"$(cat "$work/stdout")" \
            $'\n  stderr: '"$(cat "$work/stderr")"
    fi
}

# The tiny BERT (hidden 32, 2 layers) with MiniLM's vocabulary, fine-tuned for
# one epoch: its best/ is the model under test.
pretrained="$work/tiny"
mkdir -p "$pretrained"
cp "$root/tests/fixtures/model/tiny/"{config.json,model.safetensors} "$pretrained/"
cp "$root/tests/fixtures/minilm/"{vocab.txt,tokenizer_config.json,special_tokens_map.json} \
    "$pretrained/"
train="$root/resources/sample/train.json"
test="$root/resources/sample/test.json"
if ! "$cli" train --train "$train" --out "$work/run" --model "$pretrained" --epochs 1 \
    --max-len 64 --batch-size 16 --lr 1e-3 --max-records 160 >"$work/stdout" 2>"$work/stderr"; then
    fail "training the model to test: $(cat "$work/stderr")"
    report
    exit 1
fi
model="$work/run/best"
common=(--model "$model" --batch-size 16)

# --- evaluate ----------------------------------------------------------------
expect_contains "evaluate prints the accuracy" "accuracy " "$cli" evaluate "${common[@]}" --data "$test"
expect_contains "evaluate scores every labelled issue" "issues scored  80" \
    "$cli" evaluate "${common[@]}" --data "$test"
expect_contains "evaluate prints the confusion matrix" "confusion (rows: true class" \
    "$cli" evaluate "${common[@]}" --data "$test"
# The precision is honoured and told: fp32 when asked, bf16 autocast when asked
# (on any processor), and a word that is not a precision is refused.
expect_contains "evaluate says it runs fp32 when asked" "fp32, as asked" \
    "$cli" evaluate "${common[@]}" --data "$test" --precision fp32
expect_contains "evaluate runs bf16 autocast when asked" "bf16 autocast, as asked" \
    "$cli" evaluate "${common[@]}" --data "$test" --precision bf16
expect_contains "predict says what runs" "bf16 autocast, as asked" \
    "$cli" predict "${common[@]}" --data "$test" --out "$work/pred-bf16.csv" --precision bf16
expect_contains "explain takes --precision" "probability" \
    "$cli" explain --model "$model" --title "App crashes" --precision bf16
expect_error "an unknown precision" 2 '--precision: "fp16"' \
    "$cli" evaluate "${common[@]}" --data "$test" --precision fp16
"$cli" evaluate "${common[@]}" --data "$test" --json >"$work/metrics.json" 2>"$work/stderr"
rc=$?
if [[ $rc -eq 0 ]] && python3 - "$work/metrics.json" <<'EOF'; then
import json, sys
m = json.load(open(sys.argv[1]))
assert m["count"] == 80 and 0 <= m["accuracy"] <= 1, m
assert [c["name"] for c in m["per_class"]] == ["bug", "feature", "question"], m["per_class"]
assert sum(map(sum, m["confusion"])) == 80, m["confusion"]
EOF
    pass
else
    fail "evaluate --json (exit $rc): $(cat "$work/metrics.json" "$work/stderr")"
fi
# The same issues with their classes as words (string labels, not MachineHack's
# integers) score the same.
python3 - "$test" "$work/named.jsonl" <<'EOF'
import json, sys
names = ["bug", "feature", "question"]
with open(sys.argv[2], "w") as out:
    for row in json.load(open(sys.argv[1])):
        out.write(json.dumps({"title": row["Title"], "body": row["Body"],
                              "label": names[row["Label"]]}) + "\n")
EOF
"$cli" evaluate "${common[@]}" --data "$work/named.jsonl" --json >"$work/named.json" 2>"$work/stderr"
if python3 -c 'import json,sys; a,b=(json.load(open(p)) for p in sys.argv[1:]); sys.exit(a!=b)' \
    "$work/metrics.json" "$work/named.json"; then
    pass
else
    fail "string labels: $(cat "$work/named.json" "$work/stderr")"
fi
python3 - "$test" "$work/unlabelled.json" "$work/partly.json" <<'EOF'
import json, sys
rows = json.load(open(sys.argv[1]))
json.dump([{"Title": r["Title"], "Body": r["Body"]} for r in rows], open(sys.argv[2], "w"))
for r in rows[:30]:
    del r["Label"]
json.dump(rows, open(sys.argv[3], "w"))
EOF
expect_contains "evaluate skips unlabelled rows" "issues scored  50" \
    "$cli" evaluate "${common[@]}" --data "$work/partly.json"
expect_error "evaluate on a file without labels" 2 "has no labels to evaluate against; use predict" \
    "$cli" evaluate "${common[@]}" --data "$work/unlabelled.json"
expect_error "a label the model does not know" 2 'label "enhancement" is not one of the model' \
    "$cli" evaluate "${common[@]}" --data "$work/named.jsonl" --map-label feature=enhancement

# --- predict -----------------------------------------------------------------
"$cli" predict "${common[@]}" --data "$test" --out "$work/pred.csv" >"$work/stdout" 2>"$work/stderr"
rc=$?
if [[ $rc -eq 0 ]] && grep -qF "Accuracy" "$work/stdout" &&
    python3 - "$work/pred.csv" <<'EOF'; then
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
header = ["id", "title", "label", "predicted", "confidence", "prob_bug", "prob_feature", "prob_question"]
assert rows[0] == header, rows[0]
assert len(rows) == 81, len(rows)
for r in rows[1:]:
    p = [float(x) for x in r[5:8]]
    assert abs(sum(p) - 1) < 1e-4, r
    assert r[3] == header[5 + p.index(max(p))][5:], r  # predicted = the argmax
    assert abs(float(r[4]) - max(p)) < 1e-6, r
EOF
    pass
else
    fail "predict writes the CSV (exit $rc): $(head -c 600 "$work/pred.csv" 2>&1) $(cat "$work/stdout" "$work/stderr")"
fi
# Labels are matched by name: without bug rows the file's classes are feature
# (0) and question (1), the model's 1 and 2.
grep -v '"label": "bug"' "$work/named.jsonl" >"$work/nobug.jsonl"
"$cli" evaluate "${common[@]}" --data "$work/nobug.jsonl" --json >"$work/nobug.json" 2>"$work/stderr"
rc=$?
if [[ $rc -eq 0 ]] && python3 - "$work/nobug.json" "$work/pred.csv" <<'EOF'; then
import csv, json, sys
m = json.load(open(sys.argv[1]))
rows = [r for r in csv.DictReader(open(sys.argv[2], newline="", encoding="utf-8")) if r["label"] != "bug"]
right = sum(r["label"] == r["predicted"] for r in rows)
assert m["count"] == len(rows) and sum(m["confusion"][0]) == 0, m
assert abs(m["accuracy"] - right / len(rows)) < 1e-9, (m["accuracy"], right, len(rows))
EOF
    pass
else
    fail "labels matched by name (exit $rc): $(cat "$work/nobug.json" "$work/stderr")"
fi
"$cli" predict "${common[@]}" --data "$test" --out "$work/pred-t.csv" --threshold 0.9 \
    --submission "$work/sub.csv" >"$work/stdout" 2>"$work/stderr"
rc=$?
if [[ $rc -eq 0 ]] && grep -qF "Uncertain" "$work/stdout" &&
    python3 - "$work/pred-t.csv" "$work/sub.csv" <<'EOF'; then
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
assert rows[0][-1] == "uncertain" and len(rows) == 81, rows[0]
assert all(r[-1] == ("true" if float(r[4]) < 0.9 else "false") for r in rows[1:])
sub = list(csv.reader(open(sys.argv[2], newline="", encoding="utf-8")))
assert sub[0] == ["bug", "feature", "question"] and len(sub) == 81, sub[:2]
assert [r[5:8] for r in rows[1:]] == sub[1:]  # the same probabilities
EOF
    pass
else
    fail "predict --threshold --submission (exit $rc): $(cat "$work/stdout" "$work/stderr")"
fi
"$cli" predict "${common[@]}" --data "$work/unlabelled.json" --out "$work/pred-u.csv" --json \
    >"$work/summary.json" 2>"$work/stderr"
rc=$?
if [[ $rc -eq 0 ]] && python3 - "$work/summary.json" "$work/pred-u.csv" <<'EOF'; then
import json, sys
s = json.load(open(sys.argv[1]))
assert s["rows"] == 80 and sum(s["predicted"].values()) == 80 and s["accuracy"] is None, s
header = open(sys.argv[2], encoding="utf-8").readline().strip()
assert header == "id,title,predicted,confidence,prob_bug,prob_feature,prob_question", header
EOF
    pass
else
    fail "predict on an unlabelled file (exit $rc): $(cat "$work/summary.json" "$work/stderr")"
fi

# --- explain -----------------------------------------------------------------
issue=(--title "App crashes on startup" --body "Segmentation fault after the update, stack trace attached")
expect_contains "explain prints the probabilities" "probability" \
    "$cli" explain --model "$model" "${issue[@]}"
expect_contains "explain prints the words" 'Words pushing towards "' \
    "$cli" explain --model "$model" "${issue[@]}"
expect_contains "explain a chosen class" 'Words pushing towards "question"' \
    "$cli" explain --model "$model" "${issue[@]}" --class question --top 3
"$cli" explain --model "$model" "${issue[@]}" --json >"$work/explain.json" 2>"$work/stderr"
rc=$?
if [[ $rc -eq 0 ]] && python3 - "$work/explain.json" <<'EOF'; then
import json, sys
e = json.load(open(sys.argv[1]))
assert abs(sum(e["probabilities"].values()) - 1) < 1e-4, e["probabilities"]
assert e["explained"] == e["predicted"] == max(e["probabilities"], key=e["probabilities"].get)
words = [w["word"] for w in e["words"]]
assert "crashes" in words and "segmentation" in words, words
assert e["tokens"][0]["token"] == "[CLS]", e["tokens"][:2]
EOF
    pass
else
    fail "explain --json (exit $rc): $(cat "$work/explain.json" "$work/stderr")"
fi

# --- Ctrl-C during predict: exit 130, nothing written --------------------------
python3 - "$test" "$work/big.json" <<'EOF'
import json, sys
rows = json.load(open(sys.argv[1]))
json.dump(rows * 250, open(sys.argv[2], "w"))  # 20,000 issues
EOF
"$cli" predict "${common[@]}" --data "$work/big.json" --out "$work/big.csv" \
    --submission "$work/big-sub.csv" >"$work/stdout" 2>"$work/stderr" &
pid=$!
for _ in $(seq 600); do # until the first progress line, at most 60 s
    grep -qF "predicting" "$work/stderr" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
kill -INT "$pid" 2>/dev/null
wait "$pid"
rc=$?
pid=""
if [[ $rc -eq 130 && ! -e "$work/big.csv" && ! -e "$work/big-sub.csv" ]] &&
    grep -qF "stopped by Ctrl-C" "$work/stderr"; then
    pass
else
    fail "Ctrl-C during predict: exit $rc (want 130), files: $(cd "$work" && echo big*)," \
        "stderr: $(cat "$work/stderr")"
fi

# --- bad input ---------------------------------------------------------------
nolabels="$work/nolabels"
mkdir -p "$nolabels"
cp "$pretrained"/* "$nolabels/"
python3 - "$nolabels/config.json" <<'EOF'
import json, sys
config = json.load(open(sys.argv[1]))
config.pop("id2label"); config.pop("label2id")
json.dump(config, open(sys.argv[1], "w"))
EOF
expect_error "a model folder without labels" 2 "no class labels" \
    "$cli" predict --model "$nolabels" --data "$test" --out "$work/x.csv"
expect_error "a missing model folder" 2 "no-such-model" \
    "$cli" evaluate --model "$work/no-such-model" --data "$test"
expect_error "a missing data file" 2 "no-such.json" \
    "$cli" predict "${common[@]}" --data "$work/no-such.json" --out "$work/x.csv"
expect_error "threshold above 1" 2 '--threshold: "2" is not a probability' \
    "$cli" predict "${common[@]}" --data "$test" --out "$work/x.csv" --threshold 2
expect_error "no --out" 2 "--out FILE.csv is required" "$cli" predict "${common[@]}" --data "$test"
expect_error "output over the input" 2 "would overwrite the input" \
    "$cli" predict "${common[@]}" --data "$test" --out "$test"
expect_error "unknown device" 2 '--device: "tpu"' \
    "$cli" evaluate "${common[@]}" --data "$test" --device tpu
expect_error "explain an unknown class" 2 '--class: "idea" is not one of the model' \
    "$cli" explain --model "$model" "${issue[@]}" --class idea
expect_error "explain without text" 2 "give the issue's --title, --body or both" \
    "$cli" explain --model "$model"
if [[ -e "$work/x.csv" ]]; then
    fail "a failed predict left $work/x.csv behind"
else
    pass
fi

report
