#!/usr/bin/env python3
"""PyTorch's side of bench_encode: the same texts, encoded the way
sentence-transformers' encode() does it (texts sorted by length, batches
padded to their longest text, BertModel with SDPA attention under
torch.inference_mode, mean pooling over the attention mask), tokenisation
included. Prints one line and optionally appends a JSON line.

  bench_encode_reference.py --model DIR --texts FILE [--threads 1] [--batch 32]
                            [--max-length 256] [--reps 2] [--clock wall|cpu] [--json FILE]
"""
import argparse
import json
import time

import torch
from transformers import AutoTokenizer, BertModel


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--texts", required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--max-length", type=int, default=256)
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--clock", choices=["wall", "cpu"], default="wall")
    ap.add_argument("--json")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    with open(args.texts, encoding="utf-8") as f:
        texts = f.read().split("\n")
    if texts and texts[-1] == "":
        texts.pop()
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    model = BertModel.from_pretrained(args.model, attn_implementation="sdpa", add_pooling_layer=False).eval()

    def encode_all():
        lengths = [len(ids) for ids in tokenizer(texts, truncation=True, max_length=args.max_length)["input_ids"]]
        order = sorted(range(len(texts)), key=lambda i: -lengths[i])
        out = [None] * len(texts)
        with torch.inference_mode():
            for first in range(0, len(order), args.batch):
                idx = order[first:first + args.batch]
                enc = tokenizer([texts[i] for i in idx], padding=True, truncation=True,
                                max_length=args.max_length, return_tensors="pt")
                hidden = model(**enc).last_hidden_state
                mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                for r, i in enumerate(idx):
                    out[i] = pooled[r]
        return sum(lengths)

    best = float("inf")
    tokens = 0
    for _ in range(args.reps):
        t0 = clock()
        tokens = encode_all()
        best = min(best, clock() - t0)
    rate = len(texts) / best
    print(f"pytorch threads {args.threads}  texts {len(texts)}  mean tokens {tokens / len(texts):.1f}  "
          f"batch {args.batch}  {best:.2f} s  {rate:.1f} texts/s  (torch {torch.__version__})")
    if args.json:
        with open(args.json, "a") as f:
            f.write(json.dumps({"framework": "pytorch", "torch": torch.__version__, "threads": args.threads,
                                "texts": len(texts), "tokens": tokens, "batch": args.batch, "clock": args.clock,
                                "seconds": best, "texts_per_s": rate}) + "\n")


if __name__ == "__main__":
    main()
