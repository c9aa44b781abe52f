#!/usr/bin/env python3
"""Writes the safetensors test fixtures with the reference library.

Creates, in tests/fixtures/io/:
  reference_mixed.safetensors   every dtype the engine has, a scalar, an empty
                                tensor, NaN/inf, one metadata entry (torch writer)
  reference_plain.safetensors   a few tensors, no metadata (numpy writer)
  reference_empty.safetensors   no tensors at all
  unaligned.safetensors         built by hand (the reference writer never
                                misaligns): an unpadded header of odd length and
                                an F16 tensor of 3 elements before an F32, so
                                the F32 and F64 data sit at misaligned addresses.
                                The reference reader is used to check it is valid.
  unsupported_dtype.safetensors an I16 tensor, which the format defines but the
                                engine has no dtype for
  safetensors_manifest.json     for each file: metadata, header length, and per
                                tensor dtype, shape, data_offsets and the values
                                as the reference reader returns them (row-major;
                                NaN and infinities as the strings "nan", "inf",
                                "-inf"; bools as true/false)

Only one metadata entry is used: the reference writer keeps metadata in a hash
map, so with several entries its key order (and hence its bytes) can change
between runs. With at most one entry its output is deterministic, and the C++
tests check that our writer reproduces reference_*.safetensors byte for byte.

To check any file written by our writer against the reference writer:
  python3 tools/reference/make_safetensors_fixtures.py --verify FILE
loads FILE with the reference reader, writes the same tensors and metadata with
the reference writer, and reports whether the bytes are identical (meaningful
when FILE has at most one metadata entry).

Usage: python3 tools/reference/make_safetensors_fixtures.py [--out DIR] [--verify FILE]
"""
import argparse
import json
import math
import os
import struct
import sys

import numpy as np
import torch
from safetensors import safe_open
from safetensors.numpy import save_file as save_numpy
from safetensors.torch import load_file as load_torch
from safetensors.torch import save as serialize_torch
from safetensors.torch import save_file as save_torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def json_value(v):
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
    return v


def read_header(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    return n, json.loads(data[8:8 + n].decode("utf-8"))


def describe(path):
    """Manifest entry for a file, with values from the reference reader."""
    n, header = read_header(path)
    entry = {"header_length": n, "metadata": header.get("__metadata__") or {}, "tensors": {}}
    with safe_open(path, framework="pt") as f:
        for name in f.keys():
            t = f.get_tensor(name)
            if t.dtype == torch.bfloat16 or t.dtype == torch.float16:
                t = t.float()  # exact: both widen to float32 without rounding
            values = [json_value(v) for v in t.flatten().tolist()]
            info = header[name]
            entry["tensors"][name] = {
                "dtype": info["dtype"],
                "shape": info["shape"],
                "data_offsets": info["data_offsets"],
                "values": values,
            }
    return entry


def mixed_tensors():
    inf, nan = float("inf"), float("nan")
    return {
        "weight": torch.tensor([[0.5, -1.25, 3.0], [1e-3, 2.0**-20, -7.75]], dtype=torch.float32),
        "special": torch.tensor([inf, -inf, nan, -0.0], dtype=torch.float32),
        "scale": torch.tensor(2.718281828459045, dtype=torch.float64),
        "double_row": torch.tensor([1.0 / 3.0, -1e300, 5e-324], dtype=torch.float64),
        # 0.1 is not exact in half: the manifest holds the rounded value the reference stores.
        "half": torch.tensor([0.1, -2.5, 65504.0, 6.1e-5, 1e-7, inf, nan], dtype=torch.float16),
        "brain": torch.tensor([[1.0, -0.3], [3.140625, 1e30]], dtype=torch.bfloat16),
        "ids": torch.tensor([0, -5, 2147483647], dtype=torch.int32),
        "big": torch.tensor([[1, -1], [9007199254740993, -9223372036854775808]], dtype=torch.int64),
        "bytes": torch.tensor([0, 1, 254, 255], dtype=torch.uint8),
        "mask": torch.tensor([True, False, True], dtype=torch.bool),
        "empty": torch.zeros((0, 3), dtype=torch.float32),
        "zero_rows": torch.zeros((2, 0), dtype=torch.int64),
    }


def plain_tensors():
    rng = np.random.default_rng(20240607)
    return {
        "encoder.layer.0.bias": rng.standard_normal(5).astype(np.float32),
        "encoder.layer.0.weight": rng.standard_normal((3, 5)).astype(np.float32),
        "embeddings": rng.standard_normal((4, 2)).astype(np.float16),
        "positions": np.arange(6, dtype=np.int64).reshape(2, 3),
    }


def write_unaligned(path):
    half = np.array([1.5, -0.25, 1024.0], dtype="<f2").tobytes()   # 6 bytes
    single = np.array([0.1, -3.5], dtype="<f4").tobytes()           # 8 bytes at offset 6
    double = np.array([1e-10], dtype="<f8").tobytes()               # 8 bytes at offset 14
    flags = np.array([1, 0, 1], dtype=np.uint8).tobytes()           # 3 bytes at offset 22
    header = {
        "__metadata__": {"note": "hand-made, misaligned"},
        "h": {"dtype": "F16", "shape": [3], "data_offsets": [0, 6]},
        "s": {"dtype": "F32", "shape": [2], "data_offsets": [6, 14]},
        "d": {"dtype": "F64", "shape": [1], "data_offsets": [14, 22]},
        "b": {"dtype": "BOOL", "shape": [3], "data_offsets": [22, 25]},
    }
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    if len(text) % 2 == 0:
        text += b" "  # odd length: even the F16 data starts misaligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + half + single + double + flags)


def verify(path):
    tensors = load_torch(path)
    with safe_open(path, framework="pt") as f:
        metadata = f.metadata()
    with open(path, "rb") as f:
        ours = f.read()
    theirs = serialize_torch(tensors, metadata=metadata)
    if ours == theirs:
        print(f"{path}: identical to the reference writer's bytes ({len(ours)} bytes)")
        return 0
    print(f"{path}: DIFFERS from the reference writer ({len(ours)} vs {len(theirs)} bytes)")
    return 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(ROOT, "tests", "fixtures", "io"))
    parser.add_argument("--verify", metavar="FILE")
    args = parser.parse_args()
    if args.verify:
        return verify(args.verify)

    os.makedirs(args.out, exist_ok=True)
    out = lambda name: os.path.join(args.out, name)
    save_torch(mixed_tensors(), out("reference_mixed.safetensors"), metadata={"format": "pt"})
    save_numpy(plain_tensors(), out("reference_plain.safetensors"))
    save_torch({}, out("reference_empty.safetensors"))
    write_unaligned(out("unaligned.safetensors"))
    save_torch({"counts": torch.tensor([1, -2, 3], dtype=torch.int16)}, out("unsupported_dtype.safetensors"))

    manifest = {"generator": "tools/reference/make_safetensors_fixtures.py", "files": {}}
    for name in ["reference_mixed.safetensors", "reference_plain.safetensors",
                 "reference_empty.safetensors", "unaligned.safetensors"]:
        manifest["files"][name] = describe(out(name))
    with open(out("safetensors_manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    print(f"wrote fixtures to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
