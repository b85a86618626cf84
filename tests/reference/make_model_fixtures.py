#!/usr/bin/env python3
"""Reference tensors for the C++ BERT (tests/core/test_model_parity.cpp), in the
manner of llm.c: Hugging Face transformers computes, the C++ test compares.

Writes into tests/fixtures/model/:

  tiny/                      (a) a tiny random BertForSequenceClassification:
                             2 layers, hidden 32, 4 heads, intermediate 37, the
                             default model's 30,522-token vocabulary, 3 labels.
                             Its weights are rounded to float16 and stored as F16
                             (half the bytes; the reference runs on exactly those
                             values in float32, so nothing is lost).
  tiny_reference.safetensors (a) 8 inputs of mixed lengths with padding and
                             segment ids; last_hidden_state, pooler_output and
                             logits in float32; the last hidden state again with
                             hidden_act gelu_new and relu.
  minilm_reference.safetensors
                             (b) the default model (all-MiniLM-L6-v2, from
                             ~/.cache/issuebert/models/, as scripts/fetch-model.sh
                             puts it): 10 issues of resources/sample/test.json,
                             tokenized by BertTokenizer, truncated to 64 tokens,
                             padded to the longest; their ids and last hidden
                             state (float32). The texts are in the metadata.
  saved_by_issuebert_check.json
                             (c) the result of opening saved-by-issuebert/ — a
                             folder IssueBERT's C++ save code wrote — with
                             BertForSequenceClassification.from_pretrained,
                             unchanged, and comparing its logits with the ones
                             the C++ side recorded (saved_by_issuebert_logits.
                             safetensors), plus checksums of the files checked.

Steps (a) and (b) need nothing from C++. Step (c) checks what C++ wrote, so
after a change to the save code or the forward pass:
    ISSUEBERT_UPDATE_FIXTURES=1 build/dev/tests/core_test_model_parity  # rewrites (c)'s inputs
    /opt/ib-ref-venv/bin/python tests/reference/make_model_fixtures.py --check-saved

Usage: make_model_fixtures.py [--check-saved] (no option: (a), (b) and (c)).
The attention runs as "eager" (the textbook softmax), the reference the C++
explicit path follows; float32 throughout, eval mode.
"""
import json
import logging
import os
import pathlib
import sys
import warnings

warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)

import torch  # noqa: E402
import transformers  # noqa: E402
from safetensors.torch import load_file, save_file  # noqa: E402
from transformers import BertConfig, BertForSequenceClassification, BertModel  # noqa: E402

try:  # transformers 5 keeps the Python tokenizer under this name
    from transformers.models.bert.tokenization_bert_legacy import BertTokenizerLegacy as SlowBert
except ImportError:  # transformers 4
    from transformers import BertTokenizer as SlowBert

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "fixtures" / "model"
SAVED = OUT / "saved-by-issuebert"
SAVED_LOGITS = OUT / "saved_by_issuebert_logits.safetensors"
CACHE = pathlib.Path(os.environ.get("XDG_CACHE_HOME") or pathlib.Path.home() / ".cache")
MINILM = CACHE / "issuebert" / "models" / "all-MiniLM-L6-v2"
TEST_JSON = ROOT / "resources" / "sample" / "test.json"

# Issues of test.json for (b): long ones (truncated at 64) and short ones (padded).
MINILM_RECORDS = [0, 1, 2, 3, 6, 7, 17, 19, 20, 23]
MINILM_MAX_LENGTH = 64
# (c) passes when transformers' logits are this close to the recorded ones.
SAVED_TOLERANCE = 1e-5


def versions():
    return {"torch": torch.__version__, "transformers": transformers.__version__}


def tiny_config(**extra):
    return BertConfig(vocab_size=30522, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                      intermediate_size=37, max_position_embeddings=512, type_vocab_size=2,
                      num_labels=3, id2label={0: "bug", 1: "feature", 2: "question"},
                      label2id={"bug": 0, "feature": 1, "question": 2},
                      attn_implementation="eager", **extra)


def randomize(model, generator):
    """Weights far from the defaults (std 0.2, LayerNorm around 1 with its own
    bias) so a wrong scale, mask or LayerNorm shows; rounded to float16."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "LayerNorm.weight" in name:
                value = 1 + 0.1 * torch.randn(p.shape, generator=generator)
            elif name.endswith("bias"):
                value = 0.1 * torch.randn(p.shape, generator=generator)
            else:
                value = 0.2 * torch.randn(p.shape, generator=generator)
            p.copy_(value.half().float())


def tiny_inputs(generator):
    """8 rows, lengths 1 to 40 with padding; rows 2 and 5 are pairs (segment 1)."""
    lengths = [5, 12, 40, 2, 33, 7, 40, 1]
    width = max(lengths)
    ids = torch.zeros(len(lengths), width, dtype=torch.long)
    mask = torch.zeros_like(ids)
    types = torch.zeros_like(ids)
    for row, n in enumerate(lengths):
        ids[row, :n] = torch.randint(1000, 30522, (n,), generator=generator)
        ids[row, 0] = 101
        if n > 1:
            ids[row, n - 1] = 102
        mask[row, :n] = 1
        if row in (2, 5):
            types[row, n // 2:n] = 1
    return ids, mask, types


def make_tiny():
    generator = torch.Generator().manual_seed(20240611)
    model = BertForSequenceClassification(tiny_config()).eval()
    randomize(model, generator)
    ids, mask, types = tiny_inputs(generator)
    with torch.no_grad():
        out = model(input_ids=ids, attention_mask=mask, token_type_ids=types,
                    output_hidden_states=True)
        bert = model.bert(input_ids=ids, attention_mask=mask, token_type_ids=types)
        extra = {}
        for act in ("gelu_new", "relu"):
            variant = BertModel(tiny_config(hidden_act=act), add_pooling_layer=True).eval()
            variant.load_state_dict(model.bert.state_dict())
            extra[f"last_hidden_state_{act}"] = variant(
                input_ids=ids, attention_mask=mask, token_type_ids=types).last_hidden_state
    folder = OUT / "tiny"
    folder.mkdir(parents=True, exist_ok=True)
    model.config.architectures = ["BertForSequenceClassification"]
    model.config.save_pretrained(folder)
    # Keep the config free of the attention choice; C++ has one.
    config = json.loads((folder / "config.json").read_text())
    config.pop("_attn_implementation_autoset", None)
    config.pop("attn_implementation", None)
    (folder / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
    weights = {k: v.detach().half().contiguous() for k, v in model.state_dict().items()}
    save_file(weights, str(folder / "model.safetensors"), metadata={"format": "pt"})
    tensors = {
        "input_ids": ids, "attention_mask": mask, "token_type_ids": types,
        "last_hidden_state": bert.last_hidden_state, "pooler_output": bert.pooler_output,
        "logits": out.logits, **extra,
    }
    save_file({k: v.contiguous() for k, v in tensors.items()},
              str(OUT / "tiny_reference.safetensors"), metadata=versions())
    print(f"(a) tiny model: {len(weights)} tensors; logits[0] = {out.logits[0].tolist()}")


def make_minilm():
    if not (MINILM / "model.safetensors").exists():
        print(f"(b) skipped: {MINILM} is absent (scripts/fetch-model.sh fetches it)")
        return
    records = json.loads(TEST_JSON.read_text(encoding="utf-8"))
    texts = []
    for index in MINILM_RECORDS:
        keys = {k.lower(): v for k, v in records[index].items()}
        texts.append(((keys.get("title") or "") + " " + (keys.get("body") or "")).strip(" \t\r\n\f\v"))
    tokenizer = SlowBert.from_pretrained(str(MINILM))
    batch = tokenizer(texts, max_length=MINILM_MAX_LENGTH, truncation=True, padding="longest",
                      return_token_type_ids=True, return_tensors="pt")
    model = BertModel.from_pretrained(str(MINILM), attn_implementation="eager",
                                      dtype=torch.float32).eval()
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    tensors = {
        "input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"],
        "token_type_ids": batch["token_type_ids"], "last_hidden_state": hidden,
    }
    metadata = {**versions(), "texts": json.dumps(texts), "max_length": str(MINILM_MAX_LENGTH)}
    save_file({k: v.contiguous() for k, v in tensors.items()},
              str(OUT / "minilm_reference.safetensors"), metadata=metadata)
    print(f"(b) default model: hidden state {list(hidden.shape)}")


def fnv1a64(path):
    """The checksum the C++ test recomputes (FNV-1a, 64 bits), as hex."""
    h = 0xcbf29ce484222325
    for byte in path.read_bytes():
        h = ((h ^ byte) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def check_saved():
    if not SAVED.is_dir() or not SAVED_LOGITS.exists():
        sys.exit(f"(c) {SAVED} or {SAVED_LOGITS} is missing: run the C++ test with "
                 "ISSUEBERT_UPDATE_FIXTURES=1 first")
    recorded = load_file(str(SAVED_LOGITS))
    # As a user would open it: the folder as it is, defaults otherwise.
    model = BertForSequenceClassification.from_pretrained(str(SAVED), attn_implementation="eager")
    model = model.eval()
    with torch.no_grad():
        logits = model(input_ids=recorded["input_ids"], attention_mask=recorded["attention_mask"],
                       token_type_ids=recorded["token_type_ids"]).logits.float()
    diff = (logits - recorded["logits"]).abs().max().item()
    labels = [model.config.id2label[i] for i in range(model.config.num_labels)]
    ok = diff <= SAVED_TOLERANCE and model.config.architectures == ["BertForSequenceClassification"]
    files = sorted(p for p in SAVED.iterdir() if p.is_file()) + [SAVED_LOGITS]
    result = {
        "ok": ok,
        "max_abs_diff": diff,
        "tolerance": SAVED_TOLERANCE,
        "labels": labels,
        "loaded_dtype": str(model.dtype).replace("torch.", ""),
        "checksums_fnv1a64": {str(p.relative_to(OUT)): fnv1a64(p) for p in files},
        **versions(),
    }
    (OUT / "saved_by_issuebert_check.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"(c) saved-by-issuebert: {'ok' if ok else 'FAILED'}, max |diff| {diff:.3g}")
    if not ok:
        sys.exit(1)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    if "--check-saved" not in sys.argv[1:]:
        make_tiny()
        make_minilm()
    if SAVED.is_dir() or "--check-saved" in sys.argv[1:]:
        check_saved()
    else:
        print("(c) skipped: no saved-by-issuebert/ yet (ISSUEBERT_UPDATE_FIXTURES=1 "
              "core_test_model_parity writes it)")


if __name__ == "__main__":
    main()
