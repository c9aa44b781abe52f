#!/usr/bin/env python3
"""PyTorch side of the NLA-MMR training benchmark (run both sides with
bench/nlammr/run.sh): the twin's Trainer.step (tools/reference/
nlammr_reference.py) over the same batches as nlammr_bench, NLA-MMR's default
configuration, batch 8, random PLM vectors of the same shapes. Prints one
JSON line with the same fields as nlammr_bench.

    python3 bench/nlammr/nlammr_bench_torch.py --layout FILE [--threads N] [--steps 300]
                                                [--warmup 5] [--text-dim 384]
    python3 bench/nlammr/nlammr_bench_torch.py --describe

--layout takes nlammr_bench --layout-out's file: visits per patient, each
visit's medications, the epoch's batch order and every class's molecular
graphs as nlammr builds them.
"""
import argparse
import json
import os
import resource
import sys
import time

import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tools", "reference"))
from gin_reference import batch_from_graphs  # noqa: E402
from nlammr_reference import NlammrConfig, NlammrModel, Trainer, VisitBank  # noqa: E402

BATCH = 8


def status_mib(field):
    """A field of /proc/self/status in MiB (VmRSS: now, VmHWM: the peak)."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--layout")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--text-dim", type=int, default=384)
    parser.add_argument("--describe", action="store_true")
    args = parser.parse_args()
    if args.describe:
        print(f"torch {torch.__version__} (MKL: {torch.backends.mkl.is_available()}, "
              f"oneDNN: {torch.backends.mkldnn.is_available()})")
        return
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)

    with open(args.layout, encoding="utf-8") as f:
        layout = json.load(f)
    graphs = [g for c in layout["classes"] for g in c]
    offsets = [0]
    for c in layout["classes"]:
        offsets.append(offsets[-1] + len(c))
    visits, d = len(layout["targets"]), args.text_dim
    gen = torch.Generator().manual_seed(7)
    bank = VisitBank(torch.randn(visits, d, generator=gen), torch.randn(visits, 3, d, generator=gen),
                     torch.randn(visits, d, generator=gen), torch.randn(layout["num_classes"], d, generator=gen),
                     visit_counts=layout["visit_counts"], targets=layout["targets"],
                     graphs=batch_from_graphs(graphs), class_offsets=offsets)
    torch.manual_seed(42)
    model = NlammrModel(NlammrConfig(text_dim=d))  # the official defaults otherwise
    trainer = Trainer(model, bank)  # lr 5e-4 x 0.1, weight decay 1e-5
    order = layout["order"]
    epoch_steps = len(order) // BATCH
    if args.warmup + args.steps > epoch_steps:
        sys.exit(f"--warmup + --steps exceeds the epoch's {epoch_steps} steps")

    model.train()
    rss_before = status_mib("VmRSS")
    for s in range(args.warmup):
        trainer.step(order[s * BATCH:(s + 1) * BATCH])
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for s in range(args.warmup, args.warmup + args.steps):
        trainer.step(order[s * BATCH:(s + 1) * BATCH])
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    peak = max(status_mib("VmHWM"), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0)
    print(json.dumps({"side": "torch", "threads": args.threads, "steps": args.steps, "epoch_steps": epoch_steps,
                      "wall_s_per_step": wall / args.steps, "cpu_s_per_step": cpu / args.steps,
                      "epoch_wall_s": wall / args.steps * epoch_steps, "rss_before_training_mib": rss_before,
                      "peak_rss_mib": peak, "visits": visits, "classes": layout["num_classes"],
                      "molecules": len(graphs), "atoms": int(bank.graphs["x"].shape[0]),
                      "edges": int(bank.graphs["edge_index"].shape[1]),
                      "parameters": sum(p.numel() for p in model.parameters())}), flush=True)


if __name__ == "__main__":
    main()
