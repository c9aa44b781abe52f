"""NLA-MMR in plain PyTorch: the twin of nlammr's models/nlammr, as the
reference for its parity test and its training benchmark.

The architecture is NLA-MMR's (Tan et al., CIKM 2024, and its official
scripts/main.py) as nlammr implements it (models/nlammr/model/nlammr_model.h):

  patient tower, for B visits (d = text width, K = latent width)
    a = AttentionPool(query = full [B, d], items = parts [B, 3, d])      [B, d]
    h = Dropout(GELU(proj_dsp.0([full ; a])))                              [B, d]
    patient = LatentMLP(h) + AttentionPool(query = h, items = history [B, T, d],
                                           mask) with output projection   [B, K]
  medication tower, for the M classes
    medication = LatentMLP([text [M, d] ; class means of GIN graph vectors]) [M, K]
  scores = patient @ medication.T                                          [B, M]

Module names equal nlammr's parameter names, so state_dict() keys are
identical (dsp_aggregator.Qdense.weight, proj_dsp.0.weight,
aggregator.drug_projection.bias, text2latent.layers.0.weight,
global_encoder.gnn_node.convs.0.mlp.0.weight, ...). One difference from the
official code's module layout: its description attention carries an unused
drug_projection layer, which nlammr (and so this twin) leaves out.

The history attention's mask follows nlammr: masked items take no part in
the softmax, and a visit without any earlier visit (every item masked)
attends to nothing, so its pooled vector is 0 and the output projection
returns its bias.

The loss is nlammr's (models/nlammr/model/loss.h): 0.95 BCE-with-logits + 0.05
multilabel margin on the sigmoid probabilities (the official two terms), plus
the optional symmetric InfoNCE term and SafeDrug-style DDI penalty with
nlammr's definitions (kernels/cpu/losses.cpp). The Trainer below repeats the
structure of nlammr's Trainer: one Adam with L2 weight decay over every
parameter at lr * lr_scale, batches of visits in a shuffled order with the
last partial batch dropped, and the medication tower recomputed at every
step, as the official training loop does.

Used by make_nlammr_fixtures.py and bench/nlammr/nlammr_bench_torch.py.
"""
import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from gin_reference import GNNGraph, average_projection


@dataclass
class NlammrConfig:
    """The fields of nlammr's NlammrConfig that shape the model and the loss."""
    text_dim: int = 384
    latent_dim: int = 256
    gnn_dim: int = 64
    gnn_layers: int = 5
    dropout: float = 0.2
    gnn_dropout: float = 0.7
    max_visit_num: int = 2
    bce_weight: float = 0.95
    contrastive_weight: float = 0.0
    contrastive_temperature: float = 1.0
    ddi_weight: float = 0.0
    use_molecules: bool = True
    use_history: bool = True


class AttentionPool(nn.Module):
    """One query attending over a few items (the official AdjAttenAgger):
    softmax(Qdense(query) . Kdense(items) / sqrt(mid)) weighs the items
    themselves; drug_projection maps the result to `mid` when asked."""

    def __init__(self, query_dim, item_dim, mid_dim, project_output):
        super().__init__()
        self.mid_dim = mid_dim
        self.Qdense = nn.Linear(query_dim, mid_dim)
        self.Kdense = nn.Linear(item_dim, mid_dim)
        if project_output:
            self.drug_projection = nn.Linear(item_dim, mid_dim)

    def forward(self, query, items, mask=None):
        q = self.Qdense(query).unsqueeze(1)                                  # [B, 1, mid]
        k = self.Kdense(items)                                               # [B, T, mid]
        scores = torch.bmm(q, k.transpose(1, 2)).squeeze(1) / math.sqrt(self.mid_dim)  # [B, T]
        if mask is None:
            weights = torch.softmax(scores, dim=-1)
        else:
            keep = mask.bool()
            # Rows with no real item get a harmless softmax of zeros, then
            # the mask zeroes every weight: they pool nothing.
            any_kept = keep.any(dim=-1, keepdim=True)
            filled = scores.masked_fill(~keep, float("-inf"))
            filled = torch.where(any_kept, filled, torch.zeros_like(filled))
            weights = torch.softmax(filled, dim=-1) * keep.to(scores.dtype)
        pooled = torch.bmm(weights.unsqueeze(1), items).squeeze(1)          # [B, item_dim]
        return self.drug_projection(pooled) if hasattr(self, "drug_projection") else pooled


class LatentMLP(nn.Module):
    """The official MLP(in, [K, K], activation gelu, dropout): GELU and dropout
    between layers, a residual connection around each layer whose input and
    output shapes agree."""

    def __init__(self, in_dim, hidden, dropout):
        super().__init__()
        dims = [in_dim] + list(hidden)
        self.layers = nn.ModuleList(nn.Linear(dims[i], dims[i + 1]) for i in range(len(hidden)))
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        layer_input = x
        for i, layer in enumerate(self.layers):
            hidden = layer(layer_input)
            if i + 1 < len(self.layers):
                hidden = self.dropout(F.gelu(hidden))
            if hidden.shape == layer_input.shape:
                hidden = hidden + layer_input
            layer_input = hidden
        return layer_input


class NlammrModel(nn.Module):
    def __init__(self, cfg: NlammrConfig):
        super().__init__()
        self.cfg = cfg
        d, k = cfg.text_dim, cfg.latent_dim
        # Registration order as in nlammr (it does not change the state dict's keys).
        self.dsp_aggregator = AttentionPool(d, d, k, project_output=False)
        self.proj_dsp = nn.Sequential(nn.Linear(2 * d, d), nn.GELU(), nn.Dropout(cfg.dropout))
        if cfg.use_history:
            self.aggregator = AttentionPool(d, d, k, project_output=True)
        self.text2latent = LatentMLP(d, [k, k], cfg.dropout)
        if cfg.use_molecules:
            self.global_encoder = GNNGraph(num_layer=cfg.gnn_layers, emb_dim=cfg.gnn_dim,
                                           drop_ratio=cfg.gnn_dropout, JK="last", graph_pooling="mean")
        self.mol2latent = LatentMLP(d + (cfg.gnn_dim if cfg.use_molecules else 0), [k, k], cfg.dropout)

    def patient_latent(self, full, parts, history, history_mask):
        attended = self.dsp_aggregator(full, parts)                          # [B, d]
        h = self.proj_dsp(torch.cat([full, attended], dim=1))                # [B, d]
        patient = self.text2latent(h)                                        # [B, K]
        if self.cfg.use_history:
            patient = patient + self.aggregator(h, history, history_mask)
        return patient

    def medication_latent(self, text, graphs, projection):
        """text [M, d]; graphs: a gin_reference batch of every class's
        molecules; projection: the official average_projection [M, graphs]."""
        if not self.cfg.use_molecules:
            return self.mol2latent(text)
        class_vectors = projection @ self.global_encoder(graphs)             # [M, gnn_dim]
        return self.mol2latent(torch.cat([text, class_vectors], dim=1))

    @staticmethod
    def scores(patients, medications):
        return patients @ medications.t()


# ---- loss -------------------------------------------------------------------------


def multi_hot(targets, classes, dtype):
    hot = torch.zeros(len(targets), classes, dtype=dtype)
    for i, meds in enumerate(targets):
        hot[i, meds] = 1.0
    return hot


def target_lists(targets, classes):
    """PyTorch's multilabel_margin_loss layout: indices first, then -1."""
    lists = torch.full((len(targets), classes), -1, dtype=torch.int64)
    for i, meds in enumerate(targets):
        lists[i, :len(meds)] = torch.tensor(meds, dtype=torch.int64)
    return lists


def contrastive_loss(scores, positives, temperature):
    """Symmetric multi-positive InfoNCE, nlammr's definition: for each row
    (visit) with at least one positive, logsumexp(z_row) - mean of z over its
    positives, z = scores / temperature; the mean over such rows; the same over
    columns (medications); the average of the two directions."""
    z = scores / temperature
    pos = positives.to(z.dtype)

    def one_direction(z, pos):
        counts = pos.sum(dim=1)
        valid = counts > 0
        if not bool(valid.any()):
            return z.sum() * 0.0
        per_line = torch.logsumexp(z, dim=1) - (z * pos).sum(dim=1) / counts.clamp(min=1)
        return per_line[valid].mean()

    return 0.5 * (one_direction(z, pos) + one_direction(z.t(), pos.t()))


def nlammr_loss(scores, targets, cfg: NlammrConfig, ddi=None):
    """Returns (total, terms): the differentiable loss and each term's value."""
    classes = scores.shape[1]
    hot = multi_hot(targets, classes, scores.dtype)
    bce = F.binary_cross_entropy_with_logits(scores, hot)
    probs = torch.sigmoid(scores)
    margin = F.multilabel_margin_loss(probs, target_lists(targets, classes))
    total = cfg.bce_weight * bce + (1.0 - cfg.bce_weight) * margin
    terms = {"bce": bce.detach(), "margin": margin.detach()}
    if cfg.contrastive_weight > 0:
        c = contrastive_loss(scores, hot, cfg.contrastive_temperature)
        total = total + cfg.contrastive_weight * c
        terms["contrastive"] = c.detach()
    if cfg.ddi_weight > 0:
        pairs = ((probs @ ddi.to(probs.dtype)) * probs).sum(dim=1).mean()  # expected interacting pairs
        total = total + cfg.ddi_weight * pairs
        terms["ddi"] = pairs.detach()
    return total, terms


# ---- data and training ---------------------------------------------------------------


class VisitBank:
    """The PLM vectors of every visit and class, and the cohort's structure,
    as nlammr's NlammrData holds them (visits numbered globally in cohort
    order).

    full [V, d], parts [V, 3, d], medications [V, d], classes [M, d];
    visit_counts: visits per patient, in cohort order; targets: each visit's
    medication indices; graphs / class_offsets: every class's molecules."""

    def __init__(self, full, parts, medications, classes, visit_counts, targets, graphs=None,
                 class_offsets=None, ddi=None):
        self.full, self.parts, self.medications, self.classes = full, parts, medications, classes
        self.targets = targets
        self.graphs, self.ddi = graphs, ddi
        self.projection = None
        if class_offsets is not None:
            self.projection = average_projection(class_offsets, class_offsets[-1], full.dtype)
        self.first_visit = []  # per visit, the id of its patient's first visit
        first = 0
        for n in visit_counts:
            self.first_visit += [first] * n
            first += n
        assert first == full.shape[0], f"{first} visits in the cohort, {full.shape[0]} vectors"

    def history(self, visit, max_visits):
        """Ids of up to max_visits earlier visits of the same patient, oldest
        first, padded with -1 (nlammr's VisitIndex::history)."""
        ids = list(range(max(self.first_visit[visit], visit - max_visits), visit))
        return ids + [-1] * (max_visits - len(ids))

    def gather(self, ids, max_visit_num):
        """nlammr's gather_visits: the batch's rows, its history (masked slots
        read row 0) and the mask."""
        rows = torch.tensor(ids, dtype=torch.int64)
        t = max(max_visit_num, 1)
        hist = torch.zeros(len(ids), t, dtype=torch.int64)
        mask = torch.zeros(len(ids), t, dtype=torch.uint8)
        for i, visit in enumerate(ids):
            for j, h in enumerate(self.history(visit, max_visit_num)):
                if h >= 0:
                    hist[i, j], mask[i, j] = h, 1
        history = self.medications.index_select(0, hist.reshape(-1)).reshape(len(ids), t, -1)
        return (self.full.index_select(0, rows), self.parts.index_select(0, rows), history, mask)


class Trainer:
    """nlammr's Trainer, reduced to its training step: Adam with L2 weight
    decay (torch.optim.Adam's weight_decay) on every parameter in one group at
    lr * lr_scale (the official code uses one group per module, all with the
    same settings)."""

    def __init__(self, model, bank, lr=5e-4, lr_scale=0.1, weight_decay=1e-5):
        self.model, self.bank = model, bank
        self.optimizer = torch.optim.Adam(model.parameters(), lr=lr * lr_scale, weight_decay=weight_decay)

    def step(self, ids):
        """One optimizer step on the visits `ids`; returns the loss value."""
        cfg, bank = self.model.cfg, self.bank
        targets = [bank.targets[i] for i in ids]
        medications = self.model.medication_latent(bank.classes, bank.graphs, bank.projection)
        patients = self.model.patient_latent(*bank.gather(ids, cfg.max_visit_num))
        total, _ = nlammr_loss(NlammrModel.scores(patients, medications), targets, cfg, bank.ddi)
        self.optimizer.zero_grad()
        total.backward()
        self.optimizer.step()
        return float(total.detach())

    def epoch(self, train_visits, batch_size, generator, max_steps=None):
        """One epoch in a shuffled order, the last partial batch dropped (the
        official DataLoader's drop_last). Returns the number of steps run."""
        self.model.train()
        order = [train_visits[i] for i in torch.randperm(len(train_visits), generator=generator).tolist()]
        steps = len(order) // batch_size
        if max_steps is not None:
            steps = min(steps, max_steps)
        for s in range(steps):
            self.step(order[s * batch_size:(s + 1) * batch_size])
        return steps
