#!/usr/bin/env python3
"""The reference side of the BERT benchmark: the same forward pass + mean
pooling as bench_bert, timed the same way, in PyTorch (transformers'
BertModel) and in ONNX Runtime (the same model exported to ONNX).

    bench_bert_reference.py (--model DIR | --base) --threads N [--frameworks torch,onnx]
                            [--batches 1,8,32] [--seqs 32,128] [--min-time 1.0] [--json FILE]
    bench_bert_reference.py --gemm [--hidden 384 --intermediate 1536 --batch 32 --seq 128]

--gemm times torch.nn.functional.linear at one layer's GEMM shapes (process
CPU time, one thread), the counterpart of bench_bert_parts.

ONNX export needs the `onnx` package (pip install onnx); without it the ONNX
Runtime rows are skipped with a message. Exported models are kept in
--onnx-dir (default: a temporary folder) so repeated runs export once.
"""

import argparse
import json
import os
import sys
import tempfile
import time
import warnings

import numpy as np
import torch
from transformers import BertConfig, BertModel


class MeanPooled(torch.nn.Module):
    """BertModel followed by mask-aware mean pooling, as bench_bert computes."""

    def __init__(self, bert):
        super().__init__()
        self.bert = bert

    def forward(self, input_ids, attention_mask):
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)


def bert_base():
    config = BertConfig(vocab_size=30522, hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
                        intermediate_size=3072, max_position_embeddings=512)
    torch.manual_seed(1)
    return BertModel(config, add_pooling_layer=True)


def random_ids(batch, seq, vocab, rng):
    ids = rng.integers(1000, vocab, size=(batch, seq), dtype=np.int64)
    ids[:, 0], ids[:, -1] = 101, 102
    return ids


def time_passes(run, min_time, min_reps, clock):
    """Median and minimum seconds per pass, as bench_bert measures them."""
    run()  # warm-up
    times, start = [], clock()
    while len(times) < min_reps or clock() - start < min_time:
        t0 = clock()
        run()
        times.append(clock() - t0)
    times.sort()
    return times[len(times) // 2], times[0], len(times)


def export_onnx(module, path):
    ids = torch.ones((2, 16), dtype=torch.int64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(module, (ids, ids), path, dynamo=False, input_names=["input_ids", "attention_mask"],
                          output_names=["pooled"], opset_version=17,
                          dynamic_axes={"input_ids": {0: "batch", 1: "seq"},
                                        "attention_mask": {0: "batch", 1: "seq"}, "pooled": {0: "batch"}})


def gemm_shapes(hidden, intermediate, tokens):
    torch.set_num_threads(1)
    print(f"torch {torch.__version__} linear, one thread, GFLOP/s:")
    for k, n in [(hidden, hidden), (hidden, intermediate), (intermediate, hidden)]:
        x, w, b = torch.randn(tokens, k), torch.randn(n, k), torch.randn(n)
        best = float("inf")
        torch.nn.functional.linear(x, w, b)
        for _ in range(5):
            t0 = time.process_time()
            torch.nn.functional.linear(x, w, b)
            best = min(best, time.process_time() - t0)
        print(f"  M {tokens:5d} K {k:5d} N {n:5d}: linear+bias {2 * tokens * k * n / best / 1e9:6.1f}")


def main():
    if "--gemm" in sys.argv:
        parser = argparse.ArgumentParser()
        parser.add_argument("--gemm", action="store_true")
        for name, default in [("hidden", 384), ("intermediate", 1536), ("batch", 32), ("seq", 128)]:
            parser.add_argument("--" + name, type=int, default=default)
        args = parser.parse_args()
        return gemm_shapes(args.hidden, args.intermediate, args.batch * args.seq)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--model", help="checkpoint folder")
    group.add_argument("--base", action="store_true", help="BERT-base shape with random weights")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--frameworks", default="torch,onnx")
    parser.add_argument("--batches", default="1,8,32")
    parser.add_argument("--seqs", default="32,128")
    parser.add_argument("--min-time", type=float, default=1.0)
    parser.add_argument("--min-reps", type=int, default=3)
    parser.add_argument("--label")
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                        help="wall time, or the process's CPU time (stable for one thread on a busy machine)")
    parser.add_argument("--json")
    parser.add_argument("--onnx-dir")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    if args.base:
        bert, label = bert_base(), args.label or "bert-base (random)"
    else:
        bert = BertModel.from_pretrained(args.model, attn_implementation="sdpa")
        label = args.label or args.model
    module = MeanPooled(bert.eval()).eval()
    vocab = bert.config.vocab_size

    sessions = {}
    frameworks = args.frameworks.split(",")
    if "onnx" in frameworks:
        try:
            import onnx  # noqa: F401  (needed by the exporter)
            import onnxruntime as ort
        except ImportError as e:
            print(f"onnx: skipped ({e}; pip install onnx onnxruntime)", file=sys.stderr)
            frameworks.remove("onnx")
        else:
            onnx_dir = args.onnx_dir or tempfile.mkdtemp(prefix="bench_bert_onnx_")
            os.makedirs(onnx_dir, exist_ok=True)
            name = "base" if args.base else os.path.basename(args.model.rstrip("/"))
            path = os.path.join(onnx_dir, name + ".onnx")
            if not os.path.exists(path):
                export_onnx(module, path)
            options = ort.SessionOptions()
            options.intra_op_num_threads = args.threads
            options.inter_op_num_threads = 1
            options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            if os.environ.get("OMP_WAIT_POLICY", "").lower() == "passive":  # as OpenMP threads wait
                options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            sessions["onnx"] = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])

    rng = np.random.default_rng(42)
    out = open(args.json, "a") if args.json else None
    for seq in map(int, args.seqs.split(",")):
        for batch in map(int, args.batches.split(",")):
            ids = random_ids(batch, seq, vocab, rng)
            mask = np.ones_like(ids)
            for framework in frameworks:
                if framework == "torch":
                    t_ids, t_mask = torch.from_numpy(ids), torch.from_numpy(mask)

                    def run():
                        with torch.inference_mode():
                            module(t_ids, t_mask)
                elif framework == "onnx":
                    session = sessions["onnx"]

                    def run():
                        session.run(None, {"input_ids": ids, "attention_mask": mask})
                else:
                    sys.exit(f"unknown framework {framework}")
                clock = time.process_time if args.clock == "cpu" else time.perf_counter
                median, best, reps = time_passes(run, args.min_time, args.min_reps, clock)
                print(f"{framework:7s} {label:10s} threads {args.threads}  batch {batch:3d}  seq {seq:4d}  "
                      f"median {median * 1e3:9.2f} ms  min {best * 1e3:9.2f} ms  "
                      f"{batch / best:9.1f} sentences/s",
                      flush=True)
                if out:
                    out.write(json.dumps({"framework": framework, "model": label, "threads": args.threads,
                                          "batch": batch, "seq": seq, "clock": args.clock, "median_s": median,
                                          "min_s": best, "reps": reps}) + "\n")
                    out.flush()


if __name__ == "__main__":
    main()
