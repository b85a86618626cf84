#!/usr/bin/env bash
# Reference: a model IssueBERT saves — every head × pooling — gives IssueBERT's
# token ids and class probabilities (within 1e-4) in Hugging Face transformers,
# loaded as the README shows (tests/reference/check_transformers_parity.py).
# Each model: a short `issuebert-cli train` of a tiny BERT, then `predict`.
# Needs the Python environment of scripts/reference-venv.sh; skipped (exit 77)
# only when PyPI cannot be reached to make it. Usage: transformers_parity.sh CLI REPO_ROOT
set -u
cli="$1"
root="$2"

# Before the caches below are moved: the environment lives in the user's cache.
python=$(bash "$root/scripts/reference-venv.sh")
rc=$?
if [[ $rc -eq 77 ]]; then
    echo "SKIPPED: PyPI is unreachable, so the transformers environment cannot be made"
    exit 77
elif [[ $rc -ne 0 ]]; then
    echo "FAIL: scripts/reference-venv.sh could not make the Python environment (exit $rc)"
    exit 1
fi

source "$(dirname "${BASH_SOURCE[0]}")/lib/expect.sh"
e2e_workdir
# transformers copies modeling_issuebert.py into HF_HOME/modules; nothing may
# come from the network.
export HF_HOME="$work/hf" HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1

# The tiny BERT (hidden 32, 2 layers) with MiniLM's vocabulary, as cli_train.sh.
model="$work/tiny"
tiny_model "$model" "$root"
# Most sample issues are longer than max_len (head truncation is checked), a
# few short ones are not.
max_len=32
python3 - "$root/resources/sample/test.json" "$work/issues.json" <<'PY'
import json, sys
issues = json.load(open(sys.argv[1], encoding="utf-8"))[:48]
issues += [{"Title": t, "Body": b, "Label": 0} for t, b in [
    ("Crash on start", ""), ("How do I export?", "  "), ("Add dark mode", "Please."),
    ("", "Café crashes: naïve UTF-8 handling 😀"), ("Feature: CSV import", "like Excel"),
    ("Question", "why\ttabs\nand newlines?")]]
# Issues the default clean-up changes: template comments, long code, traces,
# URLs and paths, UTF-8 at the code cut.
java = "".join(f"\n\tat org.app.Mod{i}.run(Mod{i}.java:{i})" for i in range(7))
python_trace = "Traceback (most recent call last):\n" + "".join(
    f'  File "/srv/app/mod{i}.py", line {i}, in f{i}\n    call{i}()\n' for i in range(6))
issues += [{"Title": t, "Body": b, "Label": 1} for t, b in [
    ("Crash <!-- template -->", "<!-- Describe the bug -->It fails at start\n- [ ] searched"),
    ("NPE in parser", "java.lang.NullPointerException" + java + "\nCaused by: x"),
    ("Python error", python_trace + "ValueError: bad"),
    ("Slow build", "```\n" + "é" * 150 + "\n```\nsee https://www.example.com/a/b?c=d"),
    ("Config", "url=https://ci.example.org/job/42 --log=/var/lib/app/logs/today.log and "
               "C:\\Users\\me\\app\\bin\\run.exe ~~~\nshort\n~~~")]]
json.dump(issues, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY

# One model per head × pooling (each with every clean-up step), one with
# title/body pairs (the README's use_fast=False advice; an even max length
# leaves the pair an odd budget), one without clean-up (plain BERT files), and
# two with head+tail truncation (without and with the clean-up).
cases=()
for name in linear-pooler linear-cls linear-mean mlp-pooler mlp-cls mlp-mean linear-mean-pair \
    linear-pooler-plain linear-mean-ht mlp-cls-htclean; do
    IFS=- read -r head pooling variant <<<"$name"
    flags=(--clean all --truncation head)
    [[ $variant == pair ]] && flags+=(--pair-title-body)
    [[ $variant == plain ]] && flags=(--clean none --truncation head)
    [[ $variant == ht ]] && flags=(--clean none --truncation head_tail)
    [[ $variant == htclean ]] && flags=(--clean all --truncation head_tail)
    run="$work/run-$name"
    if ! "$cli" train --train "$root/resources/sample/train.json" --max-records 96 \
        --out "$run" --model "$model" --epochs 1 --max-len $max_len --batch-size 16 \
        --lr 1e-3 --head "$head" --pooling "$pooling" "${flags[@]}" \
        >"$work/stdout" 2>"$work/stderr"; then
        failed=$((failed + 1))
        printf 'FAIL train %s: %s\n' "$name" "$(cat "$work/stderr")"
        continue
    fi
    # fp32 for the exact comparison; bf16 autocast (what auto runs on a
    # processor with native bf16) against bf16's own tolerance.
    if ! "$cli" predict --model "$run/best" --data "$work/issues.json" --precision fp32 \
        --out "$work/$name.csv" >"$work/stdout" 2>"$work/stderr" ||
        ! "$cli" predict --model "$run/best" --data "$work/issues.json" --precision bf16 \
            --out "$work/$name-bf16.csv" >"$work/stdout" 2>"$work/stderr"; then
        failed=$((failed + 1))
        printf 'FAIL predict %s: %s\n' "$name" "$(cat "$work/stderr")"
        continue
    fi
    cases+=("$name=$run/best,$work/$name.csv,$work/$name-bf16.csv")
done

# stdin from /dev/null: transformers may ask before running a folder's code.
if "$python" "$root/tests/reference/check_transformers_parity.py" "$cli" "$root" \
    "$work/issues.json" $max_len "${cases[@]}" </dev/null; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
fi
report
