#!/usr/bin/env python3
"""Is int8 worth offering for prediction? Speed and fidelity of int8 dynamic
quantization of the default model's linear layers (torch.quantization.
quantize_dynamic, every quantized engine this torch has) against fp32 and bf16
autocast, on real issues. Run it with the reference venv's python (Debian's
torch 1.13: the same quantized kernels as the LibTorch IssueBERT builds with).

Prints issues/s at --seq-len tokens (padded to it, batch 32) and the lowest
cosine similarity of each variant's mean-pooled embedding to fp32's.

Usage: quantize_probe.py --data FASTTEXT_FILE [--model DIR] [--issues 64]
                         [--seq-len 256] [--threads 2]
"""
import argparse
import os
import time

import torch
import transformers
from transformers import AutoModel, AutoTokenizer


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", required=True)
    p.add_argument("--model",
                   default=os.path.expanduser("~/.cache/issuebert/models/all-MiniLM-L6-v2"))
    p.add_argument("--issues", type=int, default=64)
    p.add_argument("--seq-len", type=int, default=256)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    transformers.logging.set_verbosity_error()
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    model = AutoModel.from_pretrained(args.model).eval()
    with open(args.data, encoding="utf-8") as f:
        texts = [line.split(" ", 1)[1].strip() for line in f if " " in line][:args.issues]
    enc = tokenizer(texts, truncation=True, max_length=args.seq_len, padding="max_length",
                    return_tensors="pt")

    def embed(m, bf16=False):
        out = []
        with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            for i in range(0, len(texts), 32):
                ids = enc["input_ids"][i:i + 32]
                mask = enc["attention_mask"][i:i + 32]
                h = m(input_ids=ids, attention_mask=mask).last_hidden_state.float()
                out.append((h * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True))
        return torch.cat(out)

    def rate(f):
        f()  # warm-up
        start = time.perf_counter()
        f()
        return len(texts) / (time.perf_counter() - start)

    reference = embed(model)
    cosine = torch.nn.functional.cosine_similarity
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {len(texts)} issues "
          f"at {args.seq_len} tokens; engines {torch.backends.quantized.supported_engines}")
    print(f"{'variant':18} {'issues/s':>9} {'lowest cosine':>14}")
    print(f"{'fp32':18} {rate(lambda: embed(model)):9.1f} {1.0:14.5f}")
    fast = embed(model, True)
    print(f"{'bf16 autocast':18} {rate(lambda: embed(model, True)):9.1f} "
          f"{cosine(fast, reference).min().item():14.5f}")
    for engine in torch.backends.quantized.supported_engines:
        if engine == "none":
            continue
        torch.backends.quantized.engine = engine
        quantized = torch.quantization.quantize_dynamic(model, {torch.nn.Linear},
                                                        dtype=torch.qint8)
        got = embed(quantized)
        print(f"{'int8 ' + engine:18} {rate(lambda: embed(quantized)):9.1f} "
              f"{cosine(got, reference).min().item():14.5f}")


if __name__ == "__main__":
    main()
