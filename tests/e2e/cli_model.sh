#!/usr/bin/env bash
# End-to-end: issuebert-cli model info as a user runs it, on the committed tiny
# model folders. Usage: cli_model.sh CLI REPO_ROOT
set -u
cli="$1"
root="$2"
saved="$root/tests/fixtures/model/saved-by-issuebert" # written by IssueBERT, fine-tuned
tiny="$root/tests/fixtures/model/tiny"                # written by transformers, fp16
source "$(dirname "${BASH_SOURCE[0]}")/lib/expect.sh"
# Only the fake caches below may answer an id.
e2e_workdir
unset HF_HOME
source "$(dirname "${BASH_SOURCE[0]}")/lib/expect.sh"

# expect_contains NAME FRAGMENT COMMAND...: exit code 0 and stdout containing FRAGMENT.
expect_contains() {
    local name="$1" fragment="$2"
    shift 2
    "$@" >"$work/stdout" 2>"$work/stderr"
    local rc=$?
    if [[ $rc -eq 0 ]] && grep -qF -- "$fragment" "$work/stdout"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        printf 'FAIL %s (exit %s)\n  wanted:  %s\n  stdout:  %s\n  stderr:  %s\n' \
            "$name" "$rc" "$fragment" "$(cat "$work/stdout")" "$(cat "$work/stderr")"
    fi
}

expect_contains "architecture" "Architecture     BertForSequenceClassification" \
    "$cli" model info "$saved"
expect_contains "parameter count" "Parameters       49,677 (49.7k)" "$cli" model info "$saved"
expect_contains "vocabulary" "Vocabulary       1,024 tokens" "$cli" model info "$saved"
expect_contains "shape" "hidden 32, 2 layers, 4 heads, intermediate 37, 64 positions" \
    "$cli" model info "$saved"
expect_contains "labels of a fine-tune" "Labels           bug, feature, question" \
    "$cli" model info "$saved"
expect_contains "head and pooling from issuebert.json" "Head             linear, pooling pooler" \
    "$cli" model info "$saved"
expect_contains "where it was found" "Model            $saved (folder)" "$cli" model info "$saved"
expect_contains "fp16 weights" "Weights          model.safetensors, float16" \
    "$cli" model info "$tiny"

"$cli" model info "$saved" --json >"$work/info.json" 2>"$work/stderr"
rc=$?
missing=""
for key in path source architecture parameters vocab_size hidden_size layers heads \
    intermediate_size max_positions weights_file weights_bytes dtype labels head pooling; do
    grep -qF "\"$key\":" "$work/info.json" || missing="$missing $key"
done
if [[ $rc -eq 0 && -z "$missing" && $(wc -l <"$work/info.json") -eq 1 ]] &&
    grep -qF '"parameters":49677' "$work/info.json" &&
    grep -qF '"labels":["bug","feature","question"]' "$work/info.json"; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
    printf 'FAIL --json (exit %s), missing keys:%s\n  %s\n' "$rc" "$missing" "$(cat "$work/info.json")"
fi

# A model id found in the Hugging Face cache, at the revision refs/main names.
snapshot="$work/hub/models--issuebert--tiny/snapshots/0123abcd"
mkdir -p "$snapshot" "$work/hub/models--issuebert--tiny/refs"
cp "$saved"/* "$snapshot/"
echo 0123abcd >"$work/hub/models--issuebert--tiny/refs/main"
expect_contains "id in the Hugging Face cache" '"source":"hf-cache"' \
    "$cli" model info issuebert/tiny --json
# ... and in IssueBERT's own cache, by the name after the slash.
mkdir -p "$work/xdg/issuebert/models/tiny-bert"
cp "$tiny"/* "$work/xdg/issuebert/models/tiny-bert/"
expect_contains "id in IssueBERT's cache" \
    "Model            $work/xdg/issuebert/models/tiny-bert (issuebert-cache)" \
    "$cli" model info someone/tiny-bert

expect_error "missing folder" 2 "no-such-model: no such model folder" \
    "$cli" model info "$work/no-such-model"
expect_error "unknown id" 2 "nobody/nothing: no such model folder, and no model of that id" \
    "$cli" model info nobody/nothing
mkdir -p "$work/empty"
expect_error "folder without config.json" 2 "config.json is missing" "$cli" model info "$work/empty"
mkdir -p "$work/relative"
sed 's/"absolute"/"relative_key"/' "$saved/config.json" >"$work/relative/config.json"
cp "$saved/model.safetensors" "$work/relative/"
expect_error "unsupported config names the field" 2 'field "position_embedding_type"' \
    "$cli" model info "$work/relative"
mkdir -p "$work/huge"
sed 's/"num_hidden_layers": *2/"num_hidden_layers": 1000000/' "$saved/config.json" >"$work/huge/config.json"
cp "$saved/model.safetensors" "$work/huge/"
expect_error "absurd sizes are refused before allocating" 2 "more than IssueBERT loads" \
    "$cli" model info "$work/huge"
mkdir -p "$work/noweights"
cp "$saved/config.json" "$work/noweights/"
expect_error "no weights file" 2 "noweights" "$cli" model info "$work/noweights"
mkdir -p "$work/truncated"
cp "$saved/config.json" "$work/truncated/"
head -c 100 "$saved/model.safetensors" >"$work/truncated/model.safetensors"
expect_error "truncated weights" 2 "model.safetensors" "$cli" model info "$work/truncated"
expect_error "no subcommand" 2 'expected the subcommand "info"' "$cli" model
expect_error "no folder given" 2 "no DIR or ID given" "$cli" model info
expect_error "unknown option shows the command's help" 2 "usage: issuebert-cli model info" \
    "$cli" model info "$saved" --bogus

"$cli" model --help >"$work/stdout" 2>"$work/stderr"
if [[ $? -eq 0 ]] && grep -qF -- "model info (DIR | ID)" "$work/stdout"; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
    printf 'FAIL model --help: %s\n' "$(cat "$work/stdout" "$work/stderr")"
fi

report
