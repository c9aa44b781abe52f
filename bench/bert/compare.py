#!/usr/bin/env python3
"""Reads the JSON lines written by bench_bert and bench_bert_reference.py and
prints sentences per second for each framework and the ratios
nlammr / PyTorch and nlammr / ONNX Runtime (above 1: nlammr is faster).

    compare.py RESULTS.jsonl [--markdown]

When a configuration was measured several times (run.sh repeats the whole
sweep), the fastest pass of all repetitions counts: on a shared machine it is
the one least disturbed by other processes.
"""

import argparse
import json
from collections import defaultdict


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("results")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()

    best = defaultdict(lambda: float("inf"))  # (model, threads, clock, batch, seq, framework) -> seconds
    for line in open(args.results):
        if not line.strip():
            continue
        r = json.loads(line)
        key = (r["model"], r["threads"], r["clock"], r["batch"], r["seq"], r["framework"])
        best[key] = min(best[key], r["min_s"])

    configs = sorted({k[:5] for k in best}, key=lambda k: (k[0], k[1], k[4], k[3]))
    header = ["model", "threads", "clock", "batch", "seq", "nlammr", "torch", "onnx",
              "nlammr/torch", "nlammr/onnx"]
    rows = []
    for model, threads, clock, batch, seq in configs:
        rate = {}
        for fw in ("nlammr", "torch", "onnx"):
            seconds = best.get((model, threads, clock, batch, seq, fw))
            rate[fw] = batch / seconds if seconds else None

        def ratio(other):
            return f"{rate['nlammr'] / rate[other]:.2f}" if rate["nlammr"] and rate[other] else "-"

        def fmt(v):
            return f"{v:.1f}" if v else "-"

        rows.append([model, str(threads), clock, str(batch), str(seq), fmt(rate["nlammr"]),
                     fmt(rate["torch"]), fmt(rate["onnx"]), ratio("torch"), ratio("onnx")])

    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join("---" for _ in header) + "|")
        for row in rows:
            print("| " + " | ".join(row) + " |")
    else:
        widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
        print("  ".join(h.rjust(w) for h, w in zip(header, widths)))
        for row in rows:
            print("  ".join(c.rjust(w) for c, w in zip(row, widths)))
    print("\n(sentences per second, fastest pass; ratios above 1 mean nlammr is faster)")


if __name__ == "__main__":
    main()
