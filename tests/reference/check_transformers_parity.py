"""Checks that model folders IssueBERT saved compute IssueBERT's answers in
Hugging Face transformers, loaded the way the README tells Python users to:

    tokenizer = AutoTokenizer.from_pretrained(folder, trust_remote_code=True)
    model = AutoModelForSequenceClassification.from_pretrained(folder, trust_remote_code=True)
    probabilities = model(**tokenizer(texts, truncation=True, padding=True,
                                      return_tensors="pt")).logits.softmax(-1)

For each folder (one per head x pooling, saved by `issuebert-cli train`):
- the tokenizer reads the trained max length (model_max_length) and head
  truncation (truncation_side "right"), and its ids equal IssueBERT's
  (`issuebert-cli tokenize --ids --json`) for every issue, long ones truncated;
- the weights load with no missing, unexpected or mismatched key;
- every class probability is within TOLERANCE of IssueBERT's in fp32
  (`issuebert-cli predict --precision fp32`'s CSV), and within BF16_TOLERANCE
  of IssueBERT's under bf16 autocast (`--precision bf16`, what auto runs on
  processors with native bf16), the class changing only where fp32's two best
  are closer than that;
- the native layout (linear head on the pooler) is transformers' own
  BertForSequenceClassification with no modeling file; the others carry
  modeling_issuebert.py (the repository's, byte for byte), refuse to load
  without trust_remote_code, and BertForSequenceClassification on them — what
  transformers ran before — would indeed be off by more than TOLERANCE (so this
  check can tell the layouts apart).
Folders are trained with every text clean-up step: their tokenizer is
IssueBERT's (tokenization_issuebert.py, the repository's byte for byte,
loaded with trust_remote_code and refused without). One named
HEAD-POOLING-plain was trained with --clean none and has BERT's own tokenizer.
HEAD-POOLING-ht (no clean-up) and HEAD-POOLING-htclean (every step) were
trained with --truncation head_tail: their tokenizer is IssueBERT's too, and
cuts long issues to their first and last tokens as IssueBERT does, fast and
slow alike.
The Python clean-up is also checked against IssueBERT's on every issue with
every step. A folder named HEAD-POOLING-pair was trained with --pair-title-body: it is
fed (titles, bodies) through the Python BertTokenizer (use_fast=False, as the
README says: the fast one splits an odd budget between the two the other way)
and only its probabilities are compared.
It prints the worst difference per folder and exits 1 when a check fails.

Run by tests/e2e/transformers_parity.sh. Usage:
    check_transformers_parity.py CLI REPO_ROOT ISSUES.json MAX_LEN NAME=FOLDER,PREDICTIONS.csv[,BF16.csv]...
"""
import contextlib
import csv
import io
import json
import subprocess
import sys
import warnings
from pathlib import Path

import torch
import transformers
from transformers import AutoModelForSequenceClassification, AutoTokenizer
from transformers import BertForSequenceClassification

TOLERANCE = 1e-4
# IssueBERT under bf16 autocast (`predict --precision bf16`) against
# transformers in fp32: bf16 keeps 8 significant bits in the matrix products.
# A class may flip only where fp32's two best classes are closer than this.
BF16_TOLERANCE = 2e-2
ASCII_SPACE = " \t\r\n\f\v"  # what Issue::text() trims


def read_issues(path):
    """(titles, bodies, texts); texts as Issue::text(): title + " " + body, trimmed."""
    records = json.loads(Path(path).read_text(encoding="utf-8"))
    titles = [r.get("Title", "") for r in records]
    bodies = [r.get("Body", "") for r in records]
    return titles, bodies, [(t + " " + b).strip(ASCII_SPACE) for t, b in zip(titles, bodies)]


def issuebert_ids(cli, folder, max_len, texts):
    # "--": an issue may start with "--" ("--json output ...").
    out = subprocess.run([cli, "tokenize", "--model", str(folder), "--max-len", str(max_len),
                          "--ids", "--json", "--", *texts], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"issuebert-cli tokenize failed (exit {out.returncode}): {out.stderr}")
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert [line["text"] for line in lines] == texts, "tokenize changed the texts"
    return [line["ids"] for line in lines], sum(line["truncated"] for line in lines)


def issuebert_probabilities(path, labels):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return torch.tensor([[float(row["prob_" + label]) for label in labels] for row in rows])


def probabilities(model, tokenizer, inputs):
    """inputs: (texts,) or (titles, bodies)."""
    batch = tokenizer(*inputs, truncation=True, padding=True, return_tensors="pt")
    with torch.no_grad():
        return model(**batch).logits.softmax(-1).to(torch.float64)


def check_folder(name, folder, predictions, cli, root, issues, max_len, bf16_predictions=None):
    """Problems found in one folder (empty: all good) and the worst differences."""
    problems = []
    config = json.loads((folder / "config.json").read_text())
    head, pooling, *rest = name.split("-")
    pair = "pair" in rest
    titles, bodies, texts = issues
    inputs = (titles, bodies) if pair else (texts,)
    if (config.get("issuebert_head"), config.get("issuebert_pooling")) != (head, pooling):
        problems.append(f"config.json records head {config.get('issuebert_head')!r}, pooling "
                        f"{config.get('issuebert_pooling')!r}")
    native = (head, pooling) == ("linear", "pooler")
    modeling = folder / "modeling_issuebert.py"
    if native and modeling.exists():
        problems.append("the native layout should need no modeling_issuebert.py")
    if not native and (not modeling.exists() or modeling.read_bytes() !=
                       (root / "core/model/modeling_issuebert.py").read_bytes()):
        problems.append("modeling_issuebert.py is missing or not the repository's")

    # Trained with a clean-up or head+tail truncation: the tokenizer brings
    # them and must not load without trust_remote_code; otherwise plain BERT files.
    headtail = "ht" in rest or "htclean" in rest
    cleaned = "plain" not in rest and "ht" not in rest
    custom = cleaned or headtail
    tokenization = folder / "tokenization_issuebert.py"
    if custom and (not tokenization.exists() or tokenization.read_bytes() !=
                   (root / "core/model/tokenization_issuebert.py").read_bytes()):
        problems.append("tokenization_issuebert.py is missing or not the repository's")
    if not custom and tokenization.exists():
        problems.append("a model trained without clean-up and with head truncation should need "
                        "no tokenization_issuebert.py")
    if custom:
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                AutoTokenizer.from_pretrained(folder)
            problems.append("the tokenizer loaded without trust_remote_code: it must refuse, "
                            "not silently skip the clean-up")
        except Exception:  # transformers' wording and type vary by release
            pass
    tokenizer = AutoTokenizer.from_pretrained(folder, use_fast=not pair,
                                              trust_remote_code=custom)
    want_class = ("IssueBertTokenizer" if custom else "BertTokenizer") + ("" if pair else "Fast")
    if type(tokenizer).__name__ != want_class:
        problems.append(f"tokenizer {type(tokenizer).__name__}, want {want_class}")
    want_truncation = "head_tail" if headtail else "head"
    if custom and getattr(tokenizer, "issuebert_truncation", None) != want_truncation:
        problems.append(f"tokenizer truncation {getattr(tokenizer, 'issuebert_truncation', None)!r}"
                        f", want {want_truncation!r}")
    if headtail:
        # The slow tokenizer cuts in Python, the fast one after Rust: both as IssueBERT.
        slow = AutoTokenizer.from_pretrained(folder, use_fast=False, trust_remote_code=True)
        fast = AutoTokenizer.from_pretrained(folder, use_fast=True, trust_remote_code=True)
        if slow(texts, truncation=True)["input_ids"] != fast(texts, truncation=True)["input_ids"]:
            problems.append("head+tail: the slow and the fast tokenizer cut differently")
    if tokenizer.model_max_length != max_len or tokenizer.truncation_side != "right":
        problems.append(f"tokenizer: model_max_length {tokenizer.model_max_length}, "
                        f"truncation_side {tokenizer.truncation_side!r}; want {max_len}, 'right'")
    # The CLI tokenizes single texts only; a pair's ids show in its probabilities.
    want_ids, truncated = issuebert_ids(cli, folder, max_len, texts)
    got_ids = tokenizer(texts, truncation=True)["input_ids"]
    differing = [i for i, (a, b) in enumerate(zip(got_ids, want_ids)) if a != b]
    if differing:
        i = differing[0]
        problems.append(f"token ids differ for {len(differing)} issues, first {texts[i][:60]!r}: "
                        f"transformers {got_ids[i]} IssueBERT {want_ids[i]}")
    if truncated == 0 or truncated == len(texts):
        problems.append(f"{truncated} of {len(texts)} issues truncated: want some of each")

    model, info = AutoModelForSequenceClassification.from_pretrained(
        folder, trust_remote_code=True, output_loading_info=True)
    model.eval()
    keys = {k: v for k, v in info.items() if k != "error_msgs" and v}
    if keys or info.get("error_msgs"):
        problems.append(f"weights did not load cleanly: {keys} {info.get('error_msgs')}")
    expected_class = "BertForSequenceClassification" if native else \
        "IssueBertForSequenceClassification"
    if type(model).__name__ != expected_class:
        problems.append(f"loaded {type(model).__name__}, want {expected_class}")
    labels = [model.config.id2label[i] for i in range(model.config.num_labels)]
    want = issuebert_probabilities(predictions, labels).to(torch.float64)
    got = probabilities(model, tokenizer, inputs)
    worst = (got - want).abs().max().item() if got.shape == want.shape else float("inf")
    if not worst <= TOLERANCE:
        problems.append(f"probabilities differ by up to {worst:.3g} (tolerance {TOLERANCE})")
    if bf16_predictions is not None:
        fast = issuebert_probabilities(bf16_predictions, labels).to(torch.float64)
        worst_bf16 = (got - fast).abs().max().item() if got.shape == fast.shape else float("inf")
        if not worst_bf16 <= BF16_TOLERANCE:
            problems.append(f"bf16 probabilities differ by up to {worst_bf16:.3g} "
                            f"(tolerance {BF16_TOLERANCE})")
        elif got.shape[0] > 0:
            top2 = got.topk(2, dim=-1).values
            flipped = (got.argmax(-1) != fast.argmax(-1)) & (top2[:, 0] - top2[:, 1] >= BF16_TOLERANCE)
            if flipped.any():
                problems.append(f"bf16 changes the class of {int(flipped.sum())} issues whose "
                                f"fp32 margin is at least {BF16_TOLERANCE}")
        print(f"{name:16} bf16: worst |p - p_issuebert_bf16| {worst_bf16:.2e}")

    naive = None
    if not native:
        try:
            # Its question ("run the custom code?") is answered by stdin's end.
            with contextlib.redirect_stdout(io.StringIO()):
                AutoModelForSequenceClassification.from_pretrained(folder)
            problems.append("loaded without trust_remote_code: it must refuse, not run "
                            "BertForSequenceClassification")
        except Exception as e:  # transformers' wording and type vary by release
            if "trust_remote_code" not in str(e):
                problems.append(f"without trust_remote_code: unexpected error {e!r}")
        plain = BertForSequenceClassification.from_pretrained(folder).eval()
        naive = (probabilities(plain, tokenizer, inputs) - want).abs().max().item()
        if not naive > TOLERANCE:
            problems.append(f"BertForSequenceClassification is off by only {naive:.3g}: "
                            "the model cannot tell the layouts apart")
    return problems, worst, naive, truncated


def check_cleanup_port(cli, folder, root, texts):
    """tokenization_issuebert.clean_issue_text against IssueBERT's own clean-up
    (`tokenize --clean all --json`), every step, on every text."""
    sys.path.insert(0, str(root / "core/model"))
    from tokenization_issuebert import STEPS, clean_issue_text
    out = subprocess.run([cli, "tokenize", "--model", str(folder), "--clean", "all", "--json",
                          "--", *texts], capture_output=True, text=True)
    if out.returncode != 0:
        return [f"issuebert-cli tokenize --clean all failed: {out.stderr}"]
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    problems = []
    changed = 0
    for text, line in zip(texts, lines):
        want = line.get("cleaned", text)
        got = clean_issue_text(text, frozenset(STEPS))
        changed += want != text
        if got != want:
            problems.append(f"clean-up differs for {text[:50]!r}: Python {got[:120]!r} "
                            f"IssueBERT {want[:120]!r}")
    if changed < 5:
        problems.append(f"only {changed} texts changed by the clean-up: the check proves little")
    print(f"clean-up port: {len(texts)} texts, {changed} changed, "
          f"{len(problems)} differing  {'ok' if not problems else 'FAILED'}")
    return problems


def main():
    cli, root, issues, max_len = sys.argv[1], Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    cases = [arg.partition("=") for arg in sys.argv[5:]]
    # Loading is checked through its report; the slow tokenizer's warning on
    # every truncated pair and BertForSequenceClassification's on its new head
    # would only bury the results.
    transformers.logging.set_verbosity_error()
    warnings.simplefilter("ignore")
    issues = read_issues(issues)
    print(f"transformers {transformers.__version__}, torch {torch.__version__}; "
          f"{len(issues[2])} issues, max length {max_len}, tolerance {TOLERANCE}")
    failed = 0
    port_problems = check_cleanup_port(cli, Path(cases[0][2].split(",")[0]), root,
                                       issues[2]) if cases else []
    for problem in port_problems[:5]:
        print(f"  FAIL clean-up: {problem}")
    failed += bool(port_problems)
    for name, _, paths in cases:
        folder, predictions, *bf16 = (Path(p) for p in paths.split(","))
        problems, worst, naive, truncated = check_folder(name, folder, predictions, cli, root,
                                                         issues, max_len, bf16[0] if bf16 else None)
        before = "native" if naive is None else f"BertForSequenceClassification off by {naive:.2e}"
        print(f"{name:16} worst |p - p_issuebert| {worst:.2e}  ({truncated} truncated; {before})"
              f"  {'ok' if not problems else 'FAILED'}")
        for problem in problems:
            print(f"  FAIL {name}: {problem}")
        failed += bool(problems)
    print(f"{len(cases) + 1 - failed} passed, {failed} failed")
    sys.exit(1 if failed or not cases else 0)


if __name__ == "__main__":
    main()
