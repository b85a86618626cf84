#!/usr/bin/env python3
"""The Python side of the fine-tuning speed comparison: a standard PyTorch +
Hugging Face transformers training loop, timed the way the C++ trainer is.

BertForSequenceClassification (3 labels, float32, attn_implementation="sdpa",
transformers' default; "eager" where torch is older than 2.1.1) in train mode; torch.optim.AdamW (lr 2e-5, weight
decay 0.01, none on biases and LayerNorm); a linear schedule with 10 % warm-up;
the model's own cross-entropy loss (labels=...); clip_grad_norm_(1.0);
zero_grad. Texts are tokenized once, before timing, by the fast tokenizer
(truncation to --seq-len), and every batch is built before timing too, so
the timed steps are forward, backward, clipping and the optimizer only.

Prints samples/s and tokens/s (real tokens: the attention mask's sum) over the
timed steps, with the versions, thread count and device.

Usage:
  train_loop.py --data FILE [--model DIR | --config-only bert-base]
                [--seq-len 128] [--batch-size 32] [--steps 20] [--warmup-steps 3]
                [--padding max_length|longest] [--device cpu|cuda] [--bf16]
                [--threads N] [--json]
FILE: a fastText file ("__label__bug text...", e.g. the ticket-tagger corpus)
or a MachineHack-style JSON array of {"Title", "Body", "Label"}.
"""
import argparse
import json
import os
import random
import time

import torch
import transformers
from transformers import (AutoTokenizer, BertConfig, BertForSequenceClassification,
                          get_linear_schedule_with_warmup)

DEFAULT_MODEL = os.path.expanduser("~/.cache/issuebert/models/all-MiniLM-L6-v2")
NUM_LABELS = 3


def read_issues(path):
    """[(text, label name)]: text = title + " " + body, trimmed, as Issue::text()."""
    if path.endswith(".json"):
        with open(path, encoding="utf-8", errors="replace") as f:
            records = json.load(f)
        issues = []
        for r in records:
            fields = {k.lower(): v for k, v in r.items()}
            text = (str(fields.get("title") or "") + " " + str(fields.get("body") or "")).strip()
            issues.append((text, str(fields.get("label"))))
        return issues
    issues = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            words = line.replace("\0", "").split(" ", 1)
            if words[0].startswith("__label__") and len(words) == 2:
                issues.append((words[1].strip(), words[0][len("__label__"):]))
    return issues


def make_batches(issues, tokenizer, args, count):
    """count batches of size args.batch_size, cycling through the shuffled issues."""
    random.Random(0).shuffle(issues)
    names = sorted({label for _, label in issues})
    if len(names) > NUM_LABELS:
        raise SystemExit(f"{args.data}: {len(names)} labels; the benchmark trains {NUM_LABELS}")
    encoded = tokenizer([t for t, _ in issues], truncation=True, max_length=args.seq_len)
    labels = [names.index(label) for _, label in issues]
    batches = []
    for b in range(count):
        rows = [(b * args.batch_size + i) % len(issues) for i in range(args.batch_size)]
        features = [{"input_ids": encoded["input_ids"][r],
                     "token_type_ids": encoded["token_type_ids"][r],
                     "attention_mask": encoded["attention_mask"][r]} for r in rows]
        batch = tokenizer.pad(features, padding=args.padding, max_length=args.seq_len,
                              return_tensors="pt")
        batch["labels"] = torch.tensor([labels[r] for r in rows])
        batches.append({k: v.to(args.device) for k, v in batch.items()})
    return batches


def attention():
    """transformers' default, sdpa, where torch has it (2.1.1 and later);
    eager on older torch (Debian's 1.13, the reference venv's)."""
    return "sdpa" if tuple(int(x) for x in torch.__version__.split(".")[:2]) >= (2, 2) or \
        torch.__version__.startswith("2.1.") and not torch.__version__.startswith("2.1.0") \
        else "eager"


def make_model(args):
    if args.config_only == "bert-base":
        config = BertConfig(vocab_size=30522, hidden_size=768, num_hidden_layers=12,
                            num_attention_heads=12, intermediate_size=3072,
                            num_labels=NUM_LABELS, attn_implementation=attention())
        return BertForSequenceClassification(config)
    return BertForSequenceClassification.from_pretrained(
        args.model, num_labels=NUM_LABELS, torch_dtype=torch.float32,
        attn_implementation=attention())


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", default=DEFAULT_MODEL, help="Hugging Face model folder")
    p.add_argument("--config-only", choices=["bert-base"],
                   help="random bert-base-sized model (the tokenizer still comes from --model)")
    p.add_argument("--data", required=True)
    p.add_argument("--seq-len", type=int, default=128)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--steps", type=int, default=20, help="timed steps")
    p.add_argument("--warmup-steps", type=int, default=3, help="untimed steps before timing")
    p.add_argument("--padding", choices=["max_length", "longest"], default="max_length")
    p.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    p.add_argument("--bf16", action="store_true", help="bfloat16 autocast (CUDA or CPU)")
    p.add_argument("--threads", type=int, help="torch.set_num_threads")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    args = p.parse_args()
    if args.steps < 1 or args.warmup_steps < 0:
        p.error("--steps must be at least 1 and --warmup-steps at least 0")
    if args.threads:
        torch.set_num_threads(args.threads)
    transformers.logging.set_verbosity_error()  # the fresh head's load report
    torch.manual_seed(0)

    tokenizer = AutoTokenizer.from_pretrained(args.model)
    batches = make_batches(read_issues(args.data), tokenizer, args,
                           args.warmup_steps + args.steps)
    model = make_model(args).to(args.device)
    model.train()
    no_decay = ("bias", "LayerNorm.weight")
    groups = [
        {"params": [w for n, w in model.named_parameters() if not n.endswith(no_decay)],
         "weight_decay": 0.01},
        {"params": [w for n, w in model.named_parameters() if n.endswith(no_decay)],
         "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=2e-5)
    total = len(batches)
    scheduler = get_linear_schedule_with_warmup(optimizer, max(1, total // 10), total)

    def sync():
        if args.device == "cuda":
            torch.cuda.synchronize()

    start = None
    for i, batch in enumerate(batches):
        if i == args.warmup_steps:
            sync()
            start = time.perf_counter()
        with torch.autocast(args.device, dtype=torch.bfloat16, enabled=args.bf16):
            loss = model(**batch).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
    sync()
    elapsed = time.perf_counter() - start
    timed = batches[args.warmup_steps:]
    tokens = sum(int(b["attention_mask"].sum()) for b in timed)
    result = {
        "model": args.config_only or os.path.basename(os.path.normpath(args.model)),
        "device": torch.cuda.get_device_name() if args.device == "cuda" else "cpu",
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "attention": model.config._attn_implementation,
        "bf16": args.bf16,
        "seq_len": args.seq_len,
        "padding": args.padding,
        "batch_size": args.batch_size,
        "steps": args.steps,
        "seconds": elapsed,
        "samples_per_s": args.steps * args.batch_size / elapsed,
        "tokens_per_s": tokens / elapsed,
        "padded_tokens_per_s": sum(b["attention_mask"].numel() for b in timed) / elapsed,
        "last_loss": loss.item(),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:20} {value:.1f}" if isinstance(value, float) else f"{key:20} {value}")


if __name__ == "__main__":
    main()
