#!/usr/bin/env python3
"""Reference values for nlammr's molecular GIN (models/gin), from the plain
PyTorch model in gin_reference.py.

    python3 tools/reference/make_gin_fixtures.py   # writes tests/fixtures/molecules/gin_*.safetensors

Requires torch and safetensors. The graphs are RDKit's graphs of the molecule
fixture (tests/fixtures/molecules/cases.jsonl), which nlammr's featurizer
reproduces exactly; the valid ones are grouped into classes of varying size,
with two empty classes, as class_offsets.

For each configuration the script draws weights with a fixed seed, gives the
batch norms, eps and running statistics random values too (defaults such as
weight 1 and bias 0 would hide a swapped or missing term), rounds every
weight to float32 so that float32 and float64 runs use the same numbers, and
saves the state dict (keys exactly as a reference checkpoint) to
gin_<name>_weights.safetensors. The reference, computed in float64, goes to
gin_<name>_reference.safetensors:

  class_offsets, graph_num_nodes         the batch layout, to check alignment
  upstream                               w of the loss L = sum(class_embeddings * w)
  eval.graph_embeddings, eval.class_embeddings
  train.graph_embeddings, train.class_embeddings   training mode, dropout 0 (batch statistics)
  eval.grad.<parameter>                  dL/dparameter in evaluation mode
  train.grad.<parameter>                 dL/dparameter in training mode ("variant" only)
  train.state.<buffer>                   running statistics after the training-mode forward

The "default" configuration (NLA-MMR's: 5 layers, width 64, JK last, mean
pooling, dropout 0.7 in evaluation) is stored in float32 to keep the fixture
small; "variant" (3 layers, width 16, residual, JK sum, sum pooling) in
float64. The metadata records how far PyTorch's own float32 run is from the
float64 reference, measured with the C++ test's rules, for comparison with
nlammr's: in training mode float32 is far less accurate than in evaluation
mode (see docs/molecules.md).
"""
import json
import os

import torch
from safetensors.torch import save_file

from gin_reference import GNNGraph, average_projection, batch_from_graphs, randomize_gin

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "..", "tests", "fixtures", "molecules")

CONFIGS = {
    "default": dict(num_layer=5, emb_dim=64, residual=False, drop_ratio=0.7, JK="last", graph_pooling="mean",
                    seed=20240501, store=torch.float32, grads=("eval",)),
    "variant": dict(num_layer=3, emb_dim=16, residual=True, drop_ratio=0.5, JK="sum", graph_pooling="sum",
                    seed=20240502, store=torch.float64, grads=("eval", "train")),
}


def fixture_graphs():
    with open(os.path.join(FIXTURES, "cases.jsonl"), encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    return [r for r in records if "error" not in r]


def class_offsets_for(num_graphs):
    """Classes of 1, 3, 2, 5, 4, 1, 3, ... graphs in order, with an empty
    class third and one at the end."""
    sizes, pattern, total = [], [1, 3, 2, 5, 4], 0
    while total < num_graphs:
        size = min(pattern[len(sizes) % len(pattern)], num_graphs - total)
        sizes.append(size)
        total += size
    sizes.insert(2, 0)
    sizes.append(0)
    offsets = [0]
    for size in sizes:
        offsets.append(offsets[-1] + size)
    return offsets


def run(model, batch, projection, upstream, training):
    model.train(training)
    model.zero_grad()
    graphs = model(batch)
    classes = projection.to(graphs.dtype) @ graphs
    (classes * upstream.to(classes.dtype)).sum().backward()
    grads = {name: p.grad.detach().clone() for name, p in model.named_parameters()}
    return {"graph_embeddings": graphs.detach(), "class_embeddings": classes.detach()}, grads


def scaled_error(a, b):
    """max |a - b| / max(1, max |b|): the tensor-wise rule of the C++ test."""
    a, b = a.double(), b.double()
    return float((a - b).abs().max() / max(1.0, float(b.abs().max())))


def normwise_error(a, b):
    """||a - b|| / max(1, ||b||)."""
    a, b = a.double(), b.double()
    return float((a - b).norm() / max(1.0, float(b.norm())))


def build(cfg, dtype):
    model = GNNGraph(cfg["num_layer"], cfg["emb_dim"], cfg["residual"], cfg["drop_ratio"], cfg["JK"],
                     cfg["graph_pooling"])
    return model.to(dtype)


def make(name, cfg, graphs, batch, offsets):
    torch.manual_seed(cfg["seed"])
    model = build(cfg, torch.float64)
    randomize_gin(model, torch.Generator().manual_seed(cfg["seed"] + 1), batches_tracked=7)
    store = cfg["store"]
    # Copies: the state dict's tensors are the live buffers, which the
    # training-mode forward below updates in place.
    initial_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    weights = {k: (v.to(store) if v.is_floating_point() else v).contiguous()
               for k, v in initial_state.items()}

    projection = average_projection(offsets, len(graphs), torch.float64)
    upstream = torch.randn(len(offsets) - 1, cfg["emb_dim"], dtype=torch.float64,
                           generator=torch.Generator().manual_seed(cfg["seed"] + 2))
    out = {"class_offsets": torch.tensor(offsets, dtype=torch.int64),
           "graph_num_nodes": torch.tensor([g["num_nodes"] for g in graphs], dtype=torch.int64),
           "upstream": upstream.to(store)}
    metadata = {"config": json.dumps({k: v for k, v in cfg.items() if k != "store"}),
                "torch_version": torch.__version__}

    # PyTorch's own float32 run from the same weights, measured with the C++
    # test's rules, to show what float32 can achieve in each mode.
    model32 = build(cfg, torch.float32)
    model32.load_state_dict(initial_state)
    for mode in ("eval", "train"):
        training = mode == "train"
        if training:  # training mode without dropout: batch statistics, reproducible
            model.gnn_node.drop_ratio = model32.gnn_node.drop_ratio = 0.0
        outputs, grads = run(model, batch, projection, upstream, training)
        outputs32, grads32 = run(model32, batch, projection, upstream, training)
        for key, value in outputs.items():
            out[f"{mode}.{key}"] = value.to(store)
            error = scaled_error(outputs32[key], value)
            metadata[f"torch_float32.{mode}.{key}.scaled_error"] = f"{error:.2e}"
        if mode in cfg["grads"]:
            out.update({f"{mode}.grad.{k}": v.to(store) for k, v in grads.items()})
        metadata[f"torch_float32.{mode}.grad.max_scaled_error"] = \
            f"{max(scaled_error(grads32[k], v) for k, v in grads.items()):.2e}"
        metadata[f"torch_float32.{mode}.grad.max_normwise_error"] = \
            f"{max(normwise_error(grads32[k], v) for k, v in grads.items()):.2e}"
    out.update({f"train.state.{k}": (v.to(store) if v.is_floating_point() else v)
                for k, v in model.state_dict().items() if "running" in k or "num_batches" in k})

    save_file(weights, os.path.join(FIXTURES, f"gin_{name}_weights.safetensors"))
    save_file({k: v.contiguous() for k, v in out.items()},
              os.path.join(FIXTURES, f"gin_{name}_reference.safetensors"), metadata=metadata)
    print(f"{name}: {len(graphs)} graphs, {len(offsets) - 1} classes, {batch['x'].shape[0]} atoms, "
          f"{batch['edge_index'].shape[1]} edges; {sum(p.numel() for p in model.parameters())} parameters")
    for k, v in metadata.items():
        if k.startswith("torch_float32"):
            print(f"  {k}: {v}")


def main():
    graphs = fixture_graphs()
    batch = batch_from_graphs(graphs)
    offsets = class_offsets_for(len(graphs))
    for name, cfg in CONFIGS.items():
        make(name, cfg, graphs, batch, offsets)


if __name__ == "__main__":
    main()
