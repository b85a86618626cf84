"""Hostile model folders and datasets for e2e/cli_hostile.sh (issue 12).

Usage: hostile_cases.py REPO_ROOT OUT_DIR
Writes each case under OUT_DIR and prints one line per case, tab-separated:
NAME, the command ("model" for `model info DIR`, "data" for `data stats
FILE`), the path, and a fragment the error message must hold besides the
file's name. Every case is one file an attacker controls in an otherwise
valid folder (the tiny BERT with MiniLM's vocabulary) or a whole dataset.
"""
import json
import os
import shutil
import struct
import sys
import zipfile

root, out = sys.argv[1], sys.argv[2]
tiny = os.path.join(root, "tests/fixtures/model/tiny")
minilm = os.path.join(root, "tests/fixtures/minilm")
cases = []


def model(name, file, content, fragment, keep_weights=True, command="model", named=None):
    """A model folder whose `file` holds `content` (bytes, str or None: removed);
    command "tokenizer" reads it with `tokenize --model`; named: the file the
    message must name when not `file`."""
    folder = os.path.join(out, "model-" + name)
    os.makedirs(folder)
    for source, names in ((tiny, ["config.json", "model.safetensors"]),
                          (minilm, ["vocab.txt", "tokenizer_config.json",
                                    "special_tokens_map.json"])):
        for n in names:
            shutil.copy(os.path.join(source, n), folder)
    if not keep_weights:
        os.remove(os.path.join(folder, "model.safetensors"))
    path = os.path.join(folder, file)
    if content is not None:
        with open(path, "wb") as f:
            f.write(content.encode() if isinstance(content, str) else content)
    elif os.path.exists(path):
        os.remove(path)
    cases.append((name, command, folder, named or file, fragment))


def dataset(name, file, content, fragment):
    path = os.path.join(out, "data-" + name, file)
    os.makedirs(os.path.dirname(path))
    with open(path, "wb") as f:
        f.write(content.encode() if isinstance(content, str) else content)
    cases.append((name, "data", path, file, fragment))


def config(**changes):
    with open(os.path.join(tiny, "config.json")) as f:
        value = json.load(f)
    value.update(changes)
    return json.dumps(value)


def deep(depth):
    return "[" * depth + "]" * depth


def safetensors(header, data=b"", raw_header=None):
    text = raw_header if raw_header is not None else json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


def archive(pickle_bytes, storages=None, compress=False):
    """A torch.save zip: archive/data.pkl plus storages archive/data/N."""
    import io
    buffer = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(buffer, "w", method) as z:
        z.writestr("archive/data.pkl", pickle_bytes)
        for key, data in (storages or {}).items():
            z.writestr("archive/data/" + key, data)
        z.writestr("archive/version", "3\n")
    return buffer.getvalue()


def tensor_pickle(key, size, stride, storage_elements=1, dtype="FloatStorage"):
    """{key: a float tensor of `size` and `stride` over storage "0"} as protocol 2."""
    def tup(values):
        return b"(" + b"".join(b"J" + struct.pack("<i", v) for v in values) + b"t"
    return (b"\x80\x02ccollections\nOrderedDict\n)R" +
            b"X" + struct.pack("<I", len(key)) + key.encode() +
            b"ctorch._utils\n_rebuild_tensor_v2\n(" +
            b"(X\x07\x00\x00\x00storagectorch\n" + dtype.encode() + b"\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpu" +
            b"J" + struct.pack("<i", storage_elements) + b"tQ" +
            b"J\x00\x00\x00\x00" + tup(size) + tup(stride) + b"\x89ccollections\nOrderedDict\n)Rt" +
            b"Rs.")


# --- config.json -------------------------------------------------------------
model("config-deep", "config.json", '{"hidden_size": ' + deep(300000) + "}",
      "nested more than 100 levels deep")
model("config-17mib", "config.json", "{" + " " * (17 << 20) + "}", "larger than 16 MiB")
model("config-huge-number", "config.json", '{"hidden_size": ' + "7" * 100000 + "}",
      "not valid JSON")
model("config-not-json", "config.json", "hidden_size = 32\n", "not valid JSON")
model("config-array", "config.json", "[1, 2, 3]", "expected a JSON object")
model("config-empty", "config.json", "", "not valid JSON")
model("config-string-size", "config.json", config(hidden_size="big"), "hidden_size")
model("config-negative-size", "config.json", config(hidden_size=-5), "hidden_size")
model("config-zero-heads", "config.json", config(num_attention_heads=0), "num_attention_heads")
model("config-giant-size", "config.json", config(hidden_size=1 << 40), "hidden_size")
model("config-gpt2", "config.json", config(model_type="gpt2"), "gpt2")
model("config-float-layers", "config.json", config(num_hidden_layers=2.5), "num_hidden_layers")
model("config-nan-eps", "config.json", config(layer_norm_eps="NaN"), "layer_norm_eps")
model("config-missing", "config.json", None, "config.json")
# --- tokenizer files -----------------------------------------------------------
model("vocab-empty-lines", "vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\n" + "\n" * (20 << 20),
      "a WordPiece vocabulary has at most 1000000 tokens", command="tokenizer")
model("vocab-empty", "vocab.txt", "", "vocab.txt", command="tokenizer")
model("vocab-no-unk", "vocab.txt", "[PAD]\n[CLS]\n[SEP]\nhello\n", "[UNK]", command="tokenizer")
model("vocab-missing", "vocab.txt", None, "vocab.txt", command="tokenizer")
model("tokenizer-config-deep", "tokenizer_config.json", deep(300000),
      "nested more than 100 levels deep", command="tokenizer")
model("tokenizer-config-not-json", "tokenizer_config.json", "{do_lower_case: yes}",
      "not valid JSON", command="tokenizer")
model("issuebert-json-deep", "issuebert.json", '{"format": ' + deep(300000) + "}",
      "nested more than 100 levels deep")
with open(os.path.join(root, "tests/fixtures/model/saved-by-issuebert/issuebert.json")) as f:
    saved = json.load(f)
model("issuebert-json-max-length", "issuebert.json",
      json.dumps(dict(saved, max_length=1000000000)), "max_length")
model("issuebert-json-newer", "issuebert.json", json.dumps({"format": 99}), "format")
# --- model.safetensors -----------------------------------------------------------
model("safetensors-garbage", "model.safetensors", "garbage\n", "safetensors")
model("safetensors-empty", "model.safetensors", b"", "safetensors")
model("safetensors-header-2^60", "model.safetensors", struct.pack("<Q", 1 << 60) + b"{}",
      "header length")
model("safetensors-header-not-json", "model.safetensors", safetensors(None, raw_header=b"{nope"),
      "header")
model("safetensors-header-deep", "model.safetensors",
      safetensors(None, raw_header=deep(300000).encode()), "nested more than 100 levels deep")
model("safetensors-beyond-file", "model.safetensors",
      safetensors({"w": {"dtype": "F32", "shape": [1 << 20], "data_offsets": [0, 4 << 20]}}),
      "w")
model("safetensors-overlap", "model.safetensors",
      safetensors({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                   "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}, b"\0" * 12),
      "overlap")
model("safetensors-shape-vs-span", "model.safetensors",
      safetensors({"w": {"dtype": "F32", "shape": [1000, 1000], "data_offsets": [0, 8]}},
                  b"\0" * 8), "w")
model("safetensors-unknown-dtype", "model.safetensors",
      safetensors({"w": {"dtype": "F8_E9M9", "shape": [2], "data_offsets": [0, 2]}}, b"\0" * 2),
      "F8_E9M9")
model("safetensors-negative-shape", "model.safetensors",
      safetensors({"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}, b"\0" * 4), "w")
model("safetensors-escape-name", "model.safetensors",
      safetensors({"\x1b]0;pwned\x07": {"dtype": "F32", "shape": [1], "data_offsets": [0, 8]}},
                  b"\0" * 8), "\\x1b]0;pwned\\x07")
model("no-weights", "model.safetensors", None, "weights", keep_weights=False)
# --- sharded checkpoints ----------------------------------------------------------
model("index-names-itself", "model.safetensors.index.json",
      json.dumps({"weight_map": {"w": "model.safetensors.index.json"}}), "another index",
      keep_weights=False)
model("index-missing-shard", "model.safetensors.index.json",
      json.dumps({"weight_map": {"w": "model-00001-of-00002.safetensors"}}),
      "cannot open", keep_weights=False, named="model-00001-of-00002.safetensors")
model("index-escapes-folder", "model.safetensors.index.json",
      json.dumps({"weight_map": {"w": "../../etc/passwd"}}), "a shard file in the same folder",
      keep_weights=False)
model("index-deep", "model.safetensors.index.json", '{"weight_map": ' + deep(300000) + "}",
      "nested more than 100 levels deep", keep_weights=False)
# --- pytorch_model.bin ---------------------------------------------------------------
model("bin-garbage", "pytorch_model.bin", b"\x00garbage" * 10, "pytorch_model.bin",
      keep_weights=False)
model("bin-empty", "pytorch_model.bin", b"", "pytorch_model.bin", keep_weights=False)
model("bin-zip-bomb", "pytorch_model.bin",
      archive(tensor_pickle("w", [1], [1]), {"0": b"\0" * (64 << 20)}, compress=True),
      "compressed", keep_weights=False)
model("bin-stride-0", "pytorch_model.bin",
      archive(tensor_pickle("w", [1 << 30], [0]), {"0": b"\0" * 4}),
      "more than once", keep_weights=False)
model("bin-beyond-storage", "pytorch_model.bin",
      archive(tensor_pickle("w", [1 << 20], [1]), {"0": b"\0" * 4}),
      "reaches element 1048575 of a storage of 1", keep_weights=False)
model("bin-nested-list", "pytorch_model.bin",
      archive(b"\x80\x02" + b"]" * 900000 + b"a" * 899999 + b"."), "found a list",
      keep_weights=False)
model("bin-os-system", "pytorch_model.bin",
      archive(b"\x80\x02cos\nsystem\nX\x02\x00\x00\x00idq\x00\x85R."), "os", keep_weights=False)
model("bin-endless-pickle", "pytorch_model.bin",
      archive(b"\x80\x02" + b"N0" * 1500000 + b"}."), "2000000", keep_weights=False)
model("bin-missing-storage", "pytorch_model.bin", archive(tensor_pickle("w", [1], [1])),
      "data/0", keep_weights=False)

# --- datasets (data stats FILE) --------------------------------------------------------
issue = {"Title": "Crash on start", "Body": "It crashes.", "Label": 0}
dataset("json-deep", "train.json", "[" + '{"Title": ' + deep(300000) + "}]", "deep")
dataset("json-truncated", "train.json", json.dumps([issue] * 3)[:-20], "train.json")
dataset("json-not-array", "train.json", '"just a string"', "train.json")
dataset("json-items-not-objects", "train.json", "[1, 2, 3]", "record 1")
dataset("json-no-text-fields", "train.json", json.dumps([{"a": 1, "b": 2}] * 3),
        "no title, body or text field")
dataset("json-binary", "train.json", bytes(range(256)) * 64, "train.json")
dataset("json-empty", "train.json", "", "empty")
dataset("jsonl-bad-line", "train.jsonl", json.dumps(issue) + "\n{oops\n", "line 2")
dataset("jsonl-deep-line", "train.jsonl", json.dumps(issue) + "\n" + deep(300000) + "\n", "line 2")
dataset("csv-open-quote", "train.csv", 'Title,Body,Label\n"Crash,It crashes,0\n', "train.csv")
dataset("csv-header-only", "train.csv", "Title,Body,Label\n", "train.csv")
dataset("csv-no-label-column", "train.csv", "Foo,Bar\n1,2\n", "train.csv")
dataset("fasttext-empty-labels", "train.txt", "__label__ \n__label__\n", "line 1")

for name, command, path, file, fragment in cases:
    print("\t".join([name, command, path, file, fragment]))
