#!/usr/bin/env python3
"""Runs the reference GIN (gin_reference.py) in float64 on given weights and
graphs, for tests that compare nlammr on data that is not committed.

    run_gin_reference.py WEIGHTS.safetensors GRAPHS.jsonl OUT.safetensors

WEIGHTS: a state dict (nlammr's GinEncoder::state_dict() saved with
save_tensors; its config is read from the tensor shapes and the metadata
keys "residual", "jk", "pooling"). GRAPHS: one JSON line per class,
{"class": c, "graphs": [OGB-layout graphs]}. OUT receives, with
L = sum(class_embeddings * upstream):

  upstream                      [C, d], drawn here with a fixed seed
  eval.class_embeddings         evaluation mode
  train.class_embeddings        training mode without dropout
  train.grad.<parameter>        dL/dparameter in training mode
"""
import json
import sys

import torch
from safetensors import safe_open
from safetensors.torch import save_file

from gin_reference import GNNGraph, average_projection, batch_from_graphs


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    weights_path, graphs_path, out_path = sys.argv[1:]
    with safe_open(weights_path, "pt") as f:
        meta = f.metadata() or {}
        state = {k: f.get_tensor(k) for k in f.keys()}
    layers = len({k.split(".")[2] for k in state if k.startswith("gnn_node.convs.")})
    emb_dim = state["gnn_node.atom_encoder.atom_embedding_list.0.weight"].shape[1]
    model = GNNGraph(layers, emb_dim, meta.get("residual") == "true", 0.0, meta.get("jk", "last"),
                     meta.get("pooling", "mean")).double()
    model.load_state_dict(state)

    with open(graphs_path, encoding="utf-8") as f:
        classes = [json.loads(line)["graphs"] for line in f if line.strip()]
    graphs = [g for c in classes for g in c]
    offsets = [0]
    for c in classes:
        offsets.append(offsets[-1] + len(c))
    batch = batch_from_graphs(graphs)
    projection = average_projection(offsets, len(graphs), torch.float64)
    upstream = torch.randn(len(classes), emb_dim, dtype=torch.float64,
                           generator=torch.Generator().manual_seed(7))

    out = {"upstream": upstream}
    model.eval()
    with torch.no_grad():
        out["eval.class_embeddings"] = projection @ model(batch)
    model.train()
    classes_train = projection @ model(batch)
    (classes_train * upstream).sum().backward()
    out["train.class_embeddings"] = classes_train.detach()
    out.update({f"train.grad.{k}": p.grad for k, p in model.named_parameters()})
    save_file({k: v.contiguous() for k, v in out.items()}, out_path)


if __name__ == "__main__":
    main()
