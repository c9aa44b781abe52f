#!/usr/bin/env python3
"""PyTorch side of bench/engine_ops: the same cases, shapes and timing
procedure (bench/harness.h), written to JSON for engine_ops --torch-json.

    python3 bench/engine_ops_torch.py --threads 1,2 --out torch.json [--filter matmul] [--quick]
    python3 bench/engine_ops_torch.py --list [--quick]

Case names must match bench/engine_cases.cpp exactly (the kCpuBench cases of
tests/cases/kernel_cases.h); the two result sets are joined by (case,
threads). bench/run_engine_bench.sh compares `--list` with `engine_ops
--list` before timing, so a case added on one side only is an error.
"""
import argparse
import json
import platform
import re
import statistics
import time

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # --list needs no PyTorch
    torch = F = None


def measure(call, clock=time.perf_counter, warmup_s=0.05, sample_s=0.02, total_s=0.6, min_samples=5,
            max_samples=1000):
    """Median and minimum seconds per call, as in bench/harness.h. `clock` is
    time.perf_counter (wall) or time.process_time (CPU time of the process)."""
    warm_calls = 0
    start = clock()
    while True:
        call()
        warm_calls += 1
        if clock() - start >= warmup_s:
            break
    estimate = (clock() - start) / warm_calls
    calls = max(1, int(-(-sample_s // max(estimate, 1e-9))))
    per_call = []
    start = clock()
    while len(per_call) < min_samples or (len(per_call) < max_samples and clock() - start < total_s):
        t0 = clock()
        for _ in range(calls):
            call()
        per_call.append((clock() - t0) / calls)
    samples = len(per_call)
    return {"median_s": statistics.median(per_call), "min_s": min(per_call), "samples": samples,
            "calls_per_sample": calls}


def shape_name(shape):
    return "[" + ", ".join(str(s) for s in shape) + "]"


def forward_case(inputs, f):
    def call():
        with torch.no_grad():
            f(*inputs)
    return call


def backward_case(leaves, out_shape, f):
    """Forward + backward from a fixed upstream gradient; gradients are
    dropped after each call, as drop_grads() does on the nlammr side."""
    for t in leaves:
        t.requires_grad_(True)
    grad = torch.randn(out_shape)

    def call():
        f(*leaves).backward(grad)
        for t in leaves:
            t.grad = None
    return call


def gemm_cases(quick):
    squares = (128, 256) if quick else (128, 256, 512, 1024, 2048)
    shapes = [("square", (s, s, s)) for s in squares]
    if not quick:
        # The BERT-like layer at 4096 tokens, hidden 384 (see engine_cases.cpp).
        shapes += [("bert-qkv", (4096, 384, 384)), ("bert-ffn-up", (4096, 384, 1536)),
                   ("bert-ffn-down", (4096, 1536, 384))]
    for label, (m, k, n) in shapes:
        yield (f"matmul {label} [{m}x{k}]x[{k}x{n}]", 2.0 * m * k * n,
               lambda m=m, k=k, n=n: forward_case((torch.randn(m, k), torch.randn(k, n)), torch.matmul))


def op_cases():
    scores, hidden, ffn = (4096, 512), (4096, 384), (4096, 1536)
    yield (f"softmax fwd {shape_name(scores)}",
           lambda: forward_case((torch.randn(scores),), lambda x: x.softmax(-1)))
    yield (f"softmax fwd+bwd {shape_name(scores)}",
           lambda: backward_case([torch.randn(scores)], scores, lambda x: x.softmax(-1)))

    def ln_inputs():
        return [torch.randn(hidden), torch.randn(hidden[1]), torch.randn(hidden[1])]

    def ln(x, w, b):
        return F.layer_norm(x, (hidden[1],), w, b, 1e-12)
    yield f"layer_norm fwd {shape_name(hidden)}", lambda: forward_case(ln_inputs(), ln)
    yield f"layer_norm fwd+bwd {shape_name(hidden)}", lambda: backward_case(ln_inputs(), hidden, ln)

    yield f"gelu fwd {shape_name(ffn)}", lambda: forward_case((torch.randn(ffn),), F.gelu)
    yield f"gelu fwd+bwd {shape_name(ffn)}", lambda: backward_case([torch.randn(ffn)], ffn, F.gelu)

    yield (f"add {shape_name(ffn)}+{shape_name(ffn)}",
           lambda: forward_case((torch.randn(ffn), torch.randn(ffn)), torch.add))
    yield (f"add broadcast {shape_name(ffn)}+{shape_name((ffn[1],))}",
           lambda: forward_case((torch.randn(ffn), torch.randn(ffn[1])), torch.add))
    yield (f"add broadcast fwd+bwd {shape_name(ffn)}+{shape_name((ffn[1],))}",
           lambda: backward_case([torch.randn(ffn), torch.randn(ffn[1])], ffn, torch.add))

    for dim in (0, 1):
        yield (f"sum dim={dim} {shape_name(ffn)}",
               lambda dim=dim: forward_case((torch.randn(ffn),), lambda x: x.sum(dim)))

    for s in ((8, 12, 128, 64), (32, 12, 32, 32)):
        yield (f"attention fwd {shape_name(s)}",
               lambda s=s: forward_case([torch.randn(s) for _ in range(3)], F.scaled_dot_product_attention))
        yield (f"attention fwd+bwd {shape_name(s)}",
               lambda s=s: backward_case([torch.randn(s) for _ in range(3)], s,
                                         F.scaled_dot_product_attention))

    def select_inputs():
        ids = torch.tensor([(i * 7919) % 30522 for i in range(4096)], dtype=torch.int64)
        return torch.randn(30522, 384), ids
    yield ("index_select [30522, 384] rows=4096",
           lambda: forward_case(select_inputs(), lambda x, i: torch.index_select(x, 0, i)))

    def add_inputs():
        dst = torch.tensor([(i * 2654435761) % 4096 for i in range(16384)], dtype=torch.int64)
        return torch.randn(16384, 384), dst
    # scatter_add in nlammr allocates the zeroed output too.
    yield ("index_add [16384, 384] -> rows=4096",
           lambda: forward_case(add_inputs(), lambda s, i: torch.zeros(4096, 384).index_add_(0, i, s)))

    def linear_inputs():
        return [torch.randn(4096, 384), torch.randn(1536, 384), torch.randn(1536)]
    yield "linear fwd [4096, 384]->1536", lambda: forward_case(linear_inputs(), F.linear)
    yield "linear fwd+bwd [4096, 384]->1536", lambda: backward_case(linear_inputs(), (4096, 1536), F.linear)


def all_cases(quick):
    """(name, flops, make) with make() -> call, in bench/engine_cases.cpp's order."""
    yield from gemm_cases(quick)
    if quick:
        return
    for name, make in op_cases():
        yield name, 0.0, make


def blas_info():
    config = torch.__config__.show()
    found = re.search(r"BLAS_INFO=(\w+)", config)
    return {"blas": found.group(1) if found else "unknown",
            "mkldnn": torch.backends.mkldnn.is_available(),
            "mkl": torch.backends.mkl.is_available(),
            "cpu_capability": torch.backends.cpu.get_cpu_capability()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--out", help="where to write the results (JSON)")
    parser.add_argument("--filter", default="")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seconds-per-case", type=float, default=0.6,
                        help="time spent sampling each case and thread count")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="wall time, or CPU time of the process (stable under load for 1 thread)")
    parser.add_argument("--describe", action="store_true",
                        help="print the PyTorch build in one line and exit")
    parser.add_argument("--list", action="store_true",
                        help="print the case names (after --filter and --quick) and exit")
    args = parser.parse_args()
    if args.list:
        for name, _, _ in all_cases(args.quick):
            if args.filter in name:
                print(name)
        return
    if torch is None:
        parser.error("PyTorch is not installed")
    if args.describe:
        info = blas_info()
        print(f"{torch.__version__}, BLAS={info['blas']}, CPU capability={info['cpu_capability']}")
        return
    if not args.out:
        parser.error("--out is required")
    threads = [int(t) for t in args.threads.split(",")]

    torch.manual_seed(0)
    results = []
    for name, flops, make in all_cases(args.quick):
        if args.filter not in name:
            continue
        call = make()
        for n in threads:
            torch.set_num_threads(n)
            clock = time.perf_counter if args.clock == "wall" else time.process_time
            timing = measure(call, clock, total_s=args.seconds_per_case)
            print(f"  {name:48s} threads={n}  torch {timing['min_s'] * 1e3:9.3f} ms", flush=True)
            results.append({"case": name, "threads": n, "flops": flops, **timing})
    with open(args.out, "w") as f:
        json.dump({"torch_version": torch.__version__, "python": platform.python_version(),
                   **blas_info(), "results": results}, f, indent=2)


if __name__ == "__main__":
    main()
