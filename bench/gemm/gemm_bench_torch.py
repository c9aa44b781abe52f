#!/usr/bin/env python3
"""PyTorch side of bench/gemm: the same cases (gemm_cases.json) and timing
procedure as gemm_bench.cpp (a warm-up of at least one call and about 0.2 s,
then --samples timed calls; the fastest counts), with torch.matmul on float32 at each thread count.

    python3 bench/gemm/gemm_bench_torch.py --cases bench/gemm/gemm_cases.json --threads 1,2 [--samples 7]

Prints one JSON line per (case, thread count), as gemm_bench does. The
"A.B^T" layout multiplies by the transpose of a [n, k] matrix, as
torch.nn.functional.linear does with a weight.
"""
import argparse
import json
import statistics
import time

import torch


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", default="bench/gemm/gemm_cases.json")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--samples", type=int, default=7)
    parser.add_argument("--filter", default="")
    parser.add_argument("--describe", action="store_true", help="print the PyTorch version and BLAS, then exit")
    args = parser.parse_args()
    if args.describe:
        blas = "MKL" if torch.backends.mkl.is_available() else "not MKL"
        print(f"PyTorch {torch.__version__} ({blas}, CPU capability {torch.backends.cpu.get_cpu_capability()})")
        return
    torch.manual_seed(1)
    with open(args.cases) as f:
        cases = json.load(f)
    for case in cases:
        if args.filter not in case["name"]:
            continue
        m, n, k, trans_b = case["m"], case["n"], case["k"], case["trans_b"]
        a = torch.rand(m, k) * 2 - 1
        b = torch.rand(n, k) * 2 - 1 if trans_b else torch.rand(k, n) * 2 - 1
        out = torch.empty(m, n)

        def call():
            torch.matmul(a, b.t() if trans_b else b, out=out)

        for threads in (int(t) for t in args.threads.split(",")):
            torch.set_num_threads(threads)
            with torch.inference_mode():
                warm_start = time.perf_counter()
                call()  # warm-up
                while time.perf_counter() - warm_start < 0.2:
                    call()
                times = []
                for _ in range(args.samples):
                    start = time.perf_counter()
                    call()
                    times.append(time.perf_counter() - start)
            times.sort()
            print(json.dumps({"side": "torch", "case": case["name"], "shape": f"{m}x{n}x{k}",
                              "layout": "A.B^T" if trans_b else "A.B", "threads": threads,
                              "min_s": times[0], "median_s": statistics.median(times),
                              "gflops": 2.0 * m * n * k / times[0] * 1e-9}), flush=True)


if __name__ == "__main__":
    main()
