#!/usr/bin/env python3
"""PyTorch side of bench/gin (run both with bench/gin/run.sh): the same cases,
inputs and timing procedure as gin_bench.cpp (gin_plan() in gin_bench.cpp, through bench/harness.h).

  featurize   RDKit's MolFromSmiles + OGB's feature encoding into numpy arrays
              (what ogb.utils.smiles2graph does), per SMILES of the input
  gin train   the reference GIN (tools/reference/gin_reference.py) forward +
              backward over all classes, training mode, dropout 0.7, class
              means with NLA-MMR's average_projection matrix product
  gin eval    forward only, evaluation mode, under torch.no_grad()

    python3 bench/gin/gin_bench_torch.py --smiles FILE [--graphs FILE] [--threads 1,2] [--filter TEXT]
    python3 bench/gin/gin_bench_torch.py --describe

--graphs takes gin_bench --graphs-out's file, so that both GINs see the same
graphs (RDKit 2026 accepts the platinum complex of the medication table,
which the reference's RDKit and nlammr reject); without it the GIN runs on
RDKit's graphs.
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np
import torch
from rdkit import Chem, RDLogger, rdBase

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tools", "reference"))
from gin_reference import GNNGraph, average_projection, batch_from_graphs  # noqa: E402
from make_ogb_features import atom_features, bond_features, read_smiles  # noqa: E402


def measure(call, warmup_s=0.3, total_s=3.0, min_samples=5, max_samples=50):
    """As gin_plan() in gin_bench.cpp: warm-up, then one call per sample."""
    start = time.perf_counter()
    calls = 0
    while calls < 2 or time.perf_counter() - start < warmup_s:
        call()
        calls += 1
    per_call = []
    start = time.perf_counter()
    while len(per_call) < min_samples or (time.perf_counter() - start < total_s
                                          and len(per_call) < max_samples):
        t0 = time.perf_counter()
        call()
        per_call.append(time.perf_counter() - t0)
    return {"median_s": statistics.median(per_call), "min_s": min(per_call), "samples": len(per_call)}


def smiles2graph(smiles):
    """OGB's smiles2graph: RDKit molecule -> numpy node/edge features, or None."""
    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        return None
    x = np.array([atom_features(a) for a in mol.GetAtoms()], dtype=np.int64)
    src, dst, feats = [], [], []
    for bond in mol.GetBonds():
        u, v = bond.GetBeginAtomIdx(), bond.GetEndAtomIdx()
        f = bond_features(bond)
        src += [u, v]
        dst += [v, u]
        feats += [f, f]
    edge_index = np.array([src, dst], dtype=np.int64).reshape(2, -1)
    edge_attr = np.array(feats, dtype=np.int64).reshape(-1, 3)
    return {"node_feat": x, "edge_index": edge_index, "edge_feat": edge_attr, "num_nodes": len(x)}


def read_classes(path):
    """(SMILES list, RDKit graphs per class) grouped as gin_bench.cpp groups them:
    one class per table line, or per SMILES for a plain list."""
    smiles, classes = [], []
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.strip().startswith("#"):
            continue
        if "\t" in line:
            group, field = line.split("\t")
            if number == 1 and (group, field) == ("atc3", "smiles"):
                continue
            members = field.split("|")
        else:
            members = [line.strip()]
        smiles += members
        classes.append([g for g in map(smiles2graph, members) if g is not None])
    assert smiles == read_smiles(path)
    return smiles, classes


def read_graph_classes(path):
    """gin_bench --graphs-out: one JSON line per class holding its graphs."""
    with open(path, encoding="utf-8") as f:
        return [json.loads(line)["graphs"] for line in f if line.strip()]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--smiles")
    parser.add_argument("--graphs")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--filter", default="")
    parser.add_argument("--describe", action="store_true")
    args = parser.parse_args()
    if args.describe:
        print(f"torch {torch.__version__} (MKL: {torch.backends.mkl.is_available()}, "
              f"oneDNN: {torch.backends.mkldnn.is_available()}), RDKit {rdBase.rdkitVersion}")
        return
    RDLogger.DisableLog("rdApp.*")
    smiles, classes = read_classes(args.smiles)
    if args.graphs:
        classes = read_graph_classes(args.graphs)
    graphs = [g for c in classes for g in c]
    offsets = [0]
    for c in classes:
        offsets.append(offsets[-1] + len(c))
    batch = batch_from_graphs(graphs)
    projection = average_projection(offsets, len(graphs), torch.float32)
    print(f"gin_bench_torch: {len(smiles)} SMILES, {len(graphs)} molecules in {len(classes)} classes, "
          f"{batch['x'].shape[0]} atoms, {batch['edge_index'].shape[1]} directed edges", file=sys.stderr)

    torch.manual_seed(42)
    gin = GNNGraph(num_layer=5, emb_dim=64, drop_ratio=0.7, JK="last", graph_pooling="mean")
    upstream = torch.randn(len(classes), 64)

    def featurize():
        for s in smiles:
            smiles2graph(s)

    def train_step():
        gin.zero_grad(set_to_none=True)
        ((projection @ gin(batch)) * upstream).sum().backward()

    def eval_step():
        with torch.no_grad():
            projection @ gin(batch)

    torch.set_num_interop_threads(1)
    for threads in [int(t) for t in args.threads.split(",")]:
        torch.set_num_threads(threads)
        cases = [("featurize", None, featurize, len(smiles), "molecules"),
                 ("gin forward+backward (train)", True, train_step, len(classes), "classes"),
                 ("gin forward (eval)", False, eval_step, len(classes), "classes")]
        for name, training, call, items, unit in cases:
            if args.filter not in name:
                continue
            if training is not None:
                gin.train(training)
            print(json.dumps({"side": "torch", "case": name, "threads": threads, **measure(call),
                              "items": items, "unit": unit}), flush=True)


if __name__ == "__main__":
    main()
