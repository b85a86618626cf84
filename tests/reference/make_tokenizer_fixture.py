#!/usr/bin/env python3
"""Writes tests/fixtures/tokenizer/parity.json: the token ids Hugging Face's
BERT tokenizer gives for hard strings and for every text of the bundled sample
dataset, uncased (the model's config) and cased (do_lower_case=False, same
vocabulary), plus a few encoder inputs with truncation and pairs.

The reference is the slow BertTokenizer (transformers' Python BasicTokenizer +
WordpieceTokenizer; BertTokenizerLegacy in transformers 5). The fast tokenizer
(the Rust tokenizers crate) is run too: where it disagrees, its ids are stored
beside the reference ones (fast_uncased / fast_cased) so the difference is on
record, but the C++ tokenizer follows the slow one.

Run from anywhere (no network: the tokenizer loads from tests/fixtures/minilm):
    /opt/ib-ref-venv/bin/python tests/reference/make_tokenizer_fixture.py
"""
import json
import logging
import pathlib
import sys
import unicodedata
import warnings

warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)

import tokenizers  # noqa: E402
import transformers  # noqa: E402
from transformers import BertTokenizer  # noqa: E402  (fast in transformers 5)

try:  # transformers 5 keeps the Python tokenizer under this name
    from transformers.models.bert.tokenization_bert_legacy import BertTokenizerLegacy as SlowBert
except ImportError:  # transformers 4: BertTokenizer is the Python one
    SlowBert = BertTokenizer
    from transformers import BertTokenizerFast as BertTokenizer  # noqa: F811

ROOT = pathlib.Path(__file__).resolve().parents[2]
MODEL = ROOT / "tests" / "fixtures" / "minilm"
HARD = ROOT / "tests" / "reference" / "hard_strings.json"
SAMPLES = [ROOT / "resources" / "sample" / name for name in ("train.json", "test.json")]
OUT = ROOT / "tests" / "fixtures" / "tokenizer" / "parity.json"


def generated_strings():
    """Long words around the 100-character limit, built rather than typed."""
    return [
        "a" * 99, "a" * 100, "a" * 101, "a" * 300, "é" * 99, "é" * 100, "é" * 101, "ж" * 101,
        "😀" * 101, "中" * 150, "x" * 99 + "é", "e\u0301" * 60, "abc" * 40, "ab-" * 50,
        "https://example.com/" + "segment/" * 35 + "end", "İ" * 60, "ﬃ" * 40, "Ä" * 101,
        "A\u0308" * 51, "a" * 100 + ".", "a" * 50 + "\u200b" + "a" * 51, "ab" * 49 + "\u0301",
        "word " * 200, "Σ" * 101, "ß" * 101, "\u0301" * 101, "x" + "\u0301" * 100,
    ]


def sample_texts():
    """trim(title + " " + body) of each record, as Issue::text() builds it."""
    texts = []
    for path in SAMPLES:
        if not path.exists():
            print(f"note: {path.relative_to(ROOT)} is absent; its texts are not in the fixture")
            continue
        records = json.loads(path.read_text(encoding="utf-8"))
        for record in records:
            keys = {k.lower(): v for k, v in record.items()}
            title = keys.get("title") or ""
            body = keys.get("body") or ""
            texts.append((path.name, (title + " " + body).strip(" \t\r\n\f\v")))
    return texts


def load(cls, lower):
    return cls.from_pretrained(str(MODEL), do_lower_case=lower)


def ids(tok, text):
    return tok.encode(text, add_special_tokens=False)


# (text, pair, max_length): the encoder's truncation against HF's longest_first.
ENCODINGS = [
    ("Hello, World!", None, 8),
    ("one two three four five six seven eight nine ten", None, 8),
    ("short title", "a much longer body with many more words in it than the title", 12),
    ("a title that is rather long for a title really", "tiny body", 12),
    ("equal one two three", "equal one two three", 9),
    ("one two three four five", "six seven eight nine ten eleven", 10),
    ("x", "", 8),
    ("", "", 8),
]


def main():
    slow = {"uncased": load(SlowBert, True), "cased": load(SlowBert, False)}
    fast = {"uncased": load(BertTokenizer, True), "cased": load(BertTokenizer, False)}
    hard = json.loads(HARD.read_text(encoding="utf-8"))
    cases = [("hard", s) for s in hard] + [("generated", s) for s in generated_strings()]
    cases += sample_texts()

    lines = []
    differ = {"uncased": [], "cased": []}
    for source, text in cases:
        case = {"source": source, "text": text}
        for name in ("uncased", "cased"):
            reference = ids(slow[name], text)
            case[name] = reference
            other = ids(fast[name], text)
            if other != reference:
                case["fast_" + name] = other
                differ[name].append(text)
        lines.append(json.dumps(case, ensure_ascii=False, separators=(",", ":")))

    encodings = []
    tok = slow["uncased"]
    for text, pair, max_length in ENCODINGS:
        enc = tok(text, pair, max_length=max_length, truncation="longest_first",
                  padding="max_length", return_token_type_ids=True, return_attention_mask=True)
        encodings.append(json.dumps({
            "text": text, "pair": pair, "max_length": max_length,
            "input_ids": enc["input_ids"], "token_type_ids": enc["token_type_ids"],
            "attention_mask": enc["attention_mask"]}, ensure_ascii=False, separators=(",", ":")))

    about = (f"Generated by tests/reference/make_tokenizer_fixture.py with transformers "
             f"{transformers.__version__}, tokenizers {tokenizers.__version__}, Python "
             f"{sys.version.split()[0]} (Unicode {unicodedata.unidata_version}). Reference: the slow "
             f"BertTokenizer; fast_* hold the fast tokenizer's ids where they differ.")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as f:
        f.write("{\n" + f'"about":{json.dumps(about)},\n"model":"tests/fixtures/minilm",\n')
        f.write('"cases":[\n' + ",\n".join(lines) + "\n],\n")
        f.write('"encodings":[\n' + ",\n".join(encodings) + "\n]\n}\n")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(lines)} texts "
          f"({sum(1 for c in cases if c[0] not in ('hard', 'generated'))} from the sample dataset), "
          f"{len(encodings)} encodings")
    for name, texts in differ.items():
        print(f"fast differs from slow ({name}): {len(texts)}")
        for text in texts:
            print("   ", ascii(text[:80]))


if __name__ == "__main__":
    main()
