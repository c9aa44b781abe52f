#!/usr/bin/env python3
"""Reference values for the engine's ops, optimizers and a small training run,
computed with PyTorch in float64.

    python3 tools/reference/make_engine_fixtures.py   # writes tests/fixtures/engine/*.json

Requires torch (pip install torch, or Debian's python3-torch). Every case
records its inputs, an upstream weight w, the op's output and the gradients of
L = sum(output * w) with respect to each input. tests/engine/test_reference.cpp
runs the same op in nlammr and compares, in float64 and float32.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "fixtures", "engine")


def tensor_json(t):
    t = t.detach()
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""),
            "data": [float(v) if t.is_floating_point() else int(v) for v in t.reshape(-1).tolist()]}


def randn(*shape, scale=1.0):
    return torch.randn(*shape) * scale


def positive(*shape):
    return torch.randn(*shape).abs() + 0.5


CASES = []


def case(name, op, fn, inputs, params=None, grad_mask=None):
    """fn(*inputs) -> output. Float inputs get gradients unless grad_mask says no."""
    leaves = []
    for i, x in enumerate(inputs):
        wants = x.is_floating_point() and (grad_mask is None or grad_mask[i])
        leaves.append(x.clone().requires_grad_(wants))
    out = fn(*leaves)
    w = torch.randn(out.shape)
    (out * w).sum().backward()
    CASES.append({
        "name": name, "op": op, "params": params or {},
        "inputs": [tensor_json(x) for x in leaves],
        "weight": tensor_json(w),
        "output": tensor_json(out),
        "grads": [tensor_json(x.grad) if x.grad is not None else None for x in leaves],
    })


def masked_softmax(x, mask, dim, log):
    """nlammr's definition: masked entries are outside the distribution and
    output 0; a fully masked row outputs zeros."""
    keep = (mask != 0).expand_as(x)
    row_has_any = keep.any(dim=dim, keepdim=True)
    # Fully masked rows get finite dummy scores so no NaN enters the graph.
    filled = x.masked_fill(~keep, float("-inf")).masked_fill(~row_has_any, 0.0)
    y = F.log_softmax(filled, dim=dim) if log else F.softmax(filled, dim=dim)
    return y.masked_fill(~keep, 0.0)


def contrastive(sim, pos, temperature):
    """Symmetric multi-positive InfoNCE (see engine/ops/loss.cpp)."""
    z = sim / temperature
    pos = pos.to(torch.bool)

    def one_side(z, pos):
        valid = pos.any(dim=1)
        lse = torch.logsumexp(z, dim=1)
        pos_mean = (z * pos).sum(dim=1) / pos.sum(dim=1).clamp(min=1)
        return (lse - pos_mean)[valid].mean() if valid.any() else z.sum() * 0

    return 0.5 * (one_side(z, pos) + one_side(z.t(), pos.t()))


def build_op_cases():
    a, b = randn(3, 1, 4), randn(5, 1)
    case("add_broadcast", "add", lambda x, y: x + y, [a, b])
    case("sub_broadcast", "sub", lambda x, y: x - y, [a, b])
    case("mul_broadcast", "mul", lambda x, y: x * y, [a, b])
    case("div_broadcast", "div", lambda x, y: x / y, [a, positive(5, 1)])
    case("pow_tensor", "pow", lambda x, y: x ** y, [positive(3, 4), randn(4)])
    case("maximum", "maximum", torch.maximum, [a, b])
    case("minimum", "minimum", torch.minimum, [a, b])
    case("add_scalar", "add_scalar", lambda x: x + 1.5, [randn(2, 3)], {"scalar": 1.5})
    case("mul_scalar", "mul_scalar", lambda x: x * -0.75, [randn(2, 3)], {"scalar": -0.75})
    case("pow_scalar", "pow_scalar", lambda x: x ** 2.5, [positive(2, 3)], {"scalar": 2.5})
    x = randn(4, 5, scale=2.0)
    for name, fn in [("neg", torch.neg), ("exp", torch.exp), ("abs", torch.abs), ("relu", torch.relu),
                     ("gelu", lambda t: F.gelu(t)), ("gelu_tanh", lambda t: F.gelu(t, approximate="tanh")),
                     ("tanh", torch.tanh), ("sigmoid", torch.sigmoid)]:
        case(name, name, fn, [x])
    case("log", "log", torch.log, [positive(4, 5)])
    case("sqrt", "sqrt", torch.sqrt, [positive(4, 5)])

    x = randn(3, 4, 5)
    case("sum_all", "sum_all", lambda t: t.sum(), [x])
    case("sum_dims", "sum", lambda t: t.sum(dim=(0, 2)), [x], {"dims": [0, 2], "keepdim": False})
    case("sum_keepdim", "sum", lambda t: t.sum(dim=-1, keepdim=True), [x], {"dims": [-1], "keepdim": True})
    case("mean_dim", "mean", lambda t: t.mean(dim=1), [x], {"dims": [1], "keepdim": False})
    case("mean_all", "mean_all", lambda t: t.mean(), [x])
    case("max_dim", "max", lambda t: t.max(dim=1).values, [x], {"dim": 1, "keepdim": False})

    case("reshape", "reshape", lambda t: t.reshape(6, -1), [randn(2, 3, 4)], {"shape": [6, -1]})
    case("permute", "permute", lambda t: t.permute(2, 0, 1), [randn(2, 3, 4)], {"dims": [2, 0, 1]})
    case("transpose_reshape", "transpose_reshape", lambda t: t.transpose(0, 2).reshape(-1), [randn(2, 3, 4)])
    case("slice", "slice", lambda t: t[:, 1:3], [randn(2, 4, 3)], {"dim": 1, "start": 1, "end": 3})
    case("concat", "concat", lambda s, t: torch.cat([s, t, s], dim=1), [randn(2, 3, 4), randn(2, 5, 4)],
         {"dim": 1})

    idx = torch.tensor([4, 0, 4, 5, 1])
    case("index_select", "index_select", lambda t, i: t.index_select(0, i), [randn(6, 3), idx])
    ids = torch.tensor([[1, 2, 2], [0, 5, 3]])
    case("embedding", "embedding", lambda wt, i: F.embedding(i, wt), [randn(6, 3), ids])
    dst = torch.tensor([2, 0, 2, 1, 2, 0])
    case("scatter_add", "scatter_add",
         lambda s, i: torch.zeros(4, 3).index_add(0, i, s), [randn(6, 3), dst], {"num_rows": 4})
    offsets = torch.tensor([0, 2, 2, 5, 6])
    seg_ids = torch.repeat_interleave(torch.arange(4), offsets[1:] - offsets[:-1])
    case("segment_sum", "segment_sum",
         lambda s, o: torch.zeros(4, 3).index_add(0, seg_ids, s), [randn(6, 3), offsets])

    case("matmul_2d", "matmul", torch.matmul, [randn(3, 4), randn(4, 5)])
    case("matmul_batched", "matmul", torch.matmul, [randn(2, 3, 4), randn(2, 4, 5)])
    case("matmul_shared_weight", "matmul", torch.matmul, [randn(2, 3, 4), randn(4, 5)])
    case("matmul_broadcast", "matmul", torch.matmul, [randn(3, 1, 4, 2), randn(5, 2, 3)])
    case("matmul_vector", "matmul", torch.matmul, [randn(3, 4), randn(4)])
    case("linear", "linear", F.linear, [randn(2, 3, 4), randn(5, 4), randn(5)])
    case("linear_nobias", "linear", lambda t, wt: F.linear(t, wt), [randn(3, 4), randn(5, 4)])

    x = randn(3, 6, scale=3.0)
    case("softmax", "softmax", lambda t: F.softmax(t, dim=-1), [x], {"dim": -1})
    case("log_softmax", "log_softmax", lambda t: F.log_softmax(t, dim=-1), [x], {"dim": -1})
    case("softmax_dim0", "softmax", lambda t: F.softmax(t, dim=0), [x], {"dim": 0})
    mask = torch.tensor([[1, 1, 0, 1, 0, 1], [0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1]], dtype=torch.int64)
    case("softmax_masked", "softmax", lambda t, m: masked_softmax(t, m, -1, False), [x, mask], {"dim": -1})
    case("log_softmax_masked", "log_softmax", lambda t, m: masked_softmax(t, m, -1, True), [x, mask], {"dim": -1})

    x = randn(4, 7, scale=2.0) + 1.0
    case("layer_norm", "layer_norm", lambda t, wt, bs: F.layer_norm(t, (7,), wt, bs, eps=1e-5),
         [x, randn(7), randn(7)], {"eps": 1e-5})
    case("layer_norm_noaffine", "layer_norm", lambda t: F.layer_norm(t, (7,), eps=1e-3), [x], {"eps": 1e-3})
    case("batch_norm_train", "batch_norm_train",
         lambda t, wt, bs: F.batch_norm(t, None, None, wt, bs, training=True, eps=1e-5),
         [x, randn(7), randn(7)], {"eps": 1e-5})

    q, k, v = randn(2, 1, 70, 8, scale=0.5), randn(2, 1, 67, 8, scale=0.5), randn(2, 1, 67, 8)
    key_mask = torch.ones(2, 67, dtype=torch.int64)
    key_mask[0, 60:] = 0
    case("attention", "attention",
         lambda a_, b_, c_, m: F.scaled_dot_product_attention(a_, b_, c_, attn_mask=(m != 0)[:, None, None, :]),
         [q, k, v, key_mask])

    logits = randn(4, 6, scale=2.0)
    case("bce_with_logits", "bce_with_logits", F.binary_cross_entropy_with_logits,
         [logits, torch.rand(4, 6)], grad_mask=[True, False])
    ml = torch.tensor([[3, 0, -1, 0, 0, 0], [5, 1, 2, 3, 4, 0], [-1, 0, 0, 0, 0, 0], [2, 2, -1, 0, 0, 0]])
    case("multilabel_margin", "multilabel_margin_loss", F.multilabel_margin_loss, [logits, ml])
    case("cross_entropy", "cross_entropy", lambda t, y: F.cross_entropy(t, y, ignore_index=-100),
         [logits, torch.tensor([1, -100, 5, 0])], {"ignore_index": -100})
    pos = torch.tensor([[1, 0, 1, 0, 0, 0], [0, 0, 0, 0, 0, 0], [0, 1, 0, 0, 1, 1], [0, 0, 0, 1, 0, 0]])
    case("contrastive", "contrastive_loss", lambda s, p: contrastive(s, p, 0.1), [logits, pos],
         {"temperature": 0.1})
    # With a square matrix and identity positives the loss is CLIP's.
    sim = randn(5, 5)
    eye = torch.eye(5, dtype=torch.int64)
    clip = 0.5 * (F.cross_entropy(sim / 0.07, torch.arange(5)) + F.cross_entropy(sim.t() / 0.07, torch.arange(5)))
    assert torch.allclose(contrastive(sim, eye, 0.07), clip)
    case("contrastive_clip", "contrastive_loss", lambda s, p: contrastive(s, p, 0.07), [sim, eye],
         {"temperature": 0.07})


def optimizer_run(name, make_opt, steps=6, clip=None):
    torch.manual_seed(sum(map(ord, name)))  # a stable seed per run
    params = [randn(3, 4), randn(5)]
    grads = [[randn(*p.shape) for p in params] for _ in range(steps)]
    live = [p.clone().requires_grad_(True) for p in params]
    opt = make_opt(live)
    history, norms = [], []
    for t in range(steps):
        for p, g in zip(live, grads[t]):
            p.grad = g.clone()
        if clip is not None:
            norms.append(float(torch.nn.utils.clip_grad_norm_(live, clip)))
        opt.step()
        history.append([tensor_json(p) for p in live])
    return {"name": name, "params": [tensor_json(p) for p in params],
            "grads": [[tensor_json(g) for g in gs] for gs in grads],
            "history": history, "norms": norms}


def build_optimizer_cases():
    runs = []
    runs.append(optimizer_run("sgd", lambda p: torch.optim.SGD(p, lr=0.1)))
    runs.append(optimizer_run("sgd_momentum_wd", lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, weight_decay=0.01)))
    runs.append(optimizer_run("sgd_nesterov", lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, nesterov=True)))
    runs.append(optimizer_run("adam", lambda p: torch.optim.Adam(p, lr=0.01)))
    runs.append(optimizer_run("adam_l2", lambda p: torch.optim.Adam(p, lr=0.01, weight_decay=0.1)))
    runs.append(optimizer_run("adamw", lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.1)))
    runs.append(optimizer_run("adam_groups", lambda p: torch.optim.Adam(
        [{"params": [p[0]], "lr": 0.02}, {"params": [p[1]], "lr": 0.001, "weight_decay": 0.5}],
        betas=(0.8, 0.95), eps=1e-6)))
    runs.append(optimizer_run("adam_clipped", lambda p: torch.optim.Adam(p, lr=0.01), clip=1.5))
    return runs


def build_mlp_run():
    """A 4 -> 8 -> 3 MLP (ReLU) trained 25 steps with Adam on cross-entropy."""
    torch.manual_seed(7)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    init = {k: tensor_json(v) for k, v in model.state_dict().items()}
    x = torch.randn(16, 4)
    y = torch.randint(0, 3, (16,))
    opt = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=1e-4)
    losses = []
    for _ in range(25):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    final = {k: tensor_json(v) for k, v in model.state_dict().items()}
    return {"init": init, "x": tensor_json(x), "y": tensor_json(y), "lr": 0.01, "weight_decay": 1e-4,
            "losses": losses, "final": final}


def main():
    os.makedirs(OUT, exist_ok=True)
    build_op_cases()
    meta = {"generator": "tools/reference/make_engine_fixtures.py", "torch": torch.__version__}
    with open(os.path.join(OUT, "ops.json"), "w") as f:
        json.dump({**meta, "cases": CASES}, f)
    with open(os.path.join(OUT, "optimizers.json"), "w") as f:
        json.dump({**meta, "runs": build_optimizer_cases()}, f)
    with open(os.path.join(OUT, "mlp_training.json"), "w") as f:
        json.dump({**meta, **build_mlp_run()}, f)
    print(f"wrote {len(CASES)} op cases to {OUT}")


if __name__ == "__main__":
    main()
