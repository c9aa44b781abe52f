"""The molecular GIN of NLA-MMR in plain PyTorch, as the reference for nlammr.

NLA-MMR embeds molecules with MoleRec's GNNGraph(num_layer=5, emb_dim=64,
gnn_type='gin', virtual_node=False, drop_ratio=0.7, JK='last',
graph_pooling='mean'), which is OGB's molecule example GNN built on
torch_geometric. torch_geometric is not needed here: message passing is
written with index_add_, with the semantics of its MessagePassing (messages
flow from edge_index[0] to edge_index[1], aggregation 'add') and of
global_mean_pool (sum over a graph's nodes divided by their number).

Module and attribute names follow the reference, so state_dict() keys are
those of a reference checkpoint (gnn_node.convs.0.mlp.0.weight, ...).
Used by make_gin_fixtures.py and bench/gin/gin_bench_torch.py.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

# OGB's get_atom_feature_dims() and get_bond_feature_dims().
ATOM_FEATURE_SIZES = [119, 5, 12, 12, 10, 6, 6, 2, 2]
BOND_FEATURE_SIZES = [5, 6, 2]


def xavier_tables(sizes, emb_dim):
    """One embedding table per feature, xavier-uniform as OGB initialises them."""
    tables = nn.ModuleList()
    for size in sizes:
        table = nn.Embedding(size, emb_dim)
        nn.init.xavier_uniform_(table.weight.data)
        tables.append(table)
    return tables


def sum_of_lookups(tables, features):
    """features [n, num_features] -> sum over k of tables[k](features[:, k])."""
    total = 0
    for k, table in enumerate(tables):
        total = total + table(features[:, k])
    return total


class AtomEncoder(nn.Module):
    def __init__(self, emb_dim):
        super().__init__()
        self.atom_embedding_list = xavier_tables(ATOM_FEATURE_SIZES, emb_dim)

    def forward(self, x):
        return sum_of_lookups(self.atom_embedding_list, x)


class BondEncoder(nn.Module):
    def __init__(self, emb_dim):
        super().__init__()
        self.bond_embedding_list = xavier_tables(BOND_FEATURE_SIZES, emb_dim)

    def forward(self, edge_attr):
        return sum_of_lookups(self.bond_embedding_list, edge_attr)


class GINConv(nn.Module):
    """OGB's molecule GINConv: mlp((1 + eps) x + sum_{u->v} relu(x_u + e_uv))."""

    def __init__(self, emb_dim):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(emb_dim, 2 * emb_dim), nn.BatchNorm1d(2 * emb_dim), nn.ReLU(),
                                 nn.Linear(2 * emb_dim, emb_dim))
        self.eps = nn.Parameter(torch.zeros(1))
        self.bond_encoder = BondEncoder(emb_dim)

    def forward(self, x, edge_index, edge_attr):
        edge_embedding = self.bond_encoder(edge_attr)
        source, target = edge_index
        messages = F.relu(x[source] + edge_embedding)
        aggregated = torch.zeros_like(x).index_add_(0, target, messages)
        return self.mlp((1 + self.eps) * x + aggregated)


class GNN_node(nn.Module):
    """Node representations: atom encoder, then GINConv -> BatchNorm -> ReLU
    (not after the last layer) -> dropout per layer; JK 'last' or 'sum'."""

    def __init__(self, num_layer, emb_dim, drop_ratio=0.5, JK="last", residual=False):
        super().__init__()
        if num_layer < 2:
            raise ValueError("Number of GNN layers must be greater than 1.")
        self.num_layer = num_layer
        self.drop_ratio = drop_ratio
        self.JK = JK
        self.residual = residual
        self.atom_encoder = AtomEncoder(emb_dim)
        self.convs = nn.ModuleList([GINConv(emb_dim) for _ in range(num_layer)])
        self.batch_norms = nn.ModuleList([nn.BatchNorm1d(emb_dim) for _ in range(num_layer)])

    def forward(self, batch):
        states = [self.atom_encoder(batch["x"])]
        for layer in range(self.num_layer):
            h = self.convs[layer](states[layer], batch["edge_index"], batch["edge_attr"])
            h = self.batch_norms[layer](h)
            if layer < self.num_layer - 1:
                h = F.relu(h)
            h = F.dropout(h, self.drop_ratio, training=self.training)
            if self.residual:
                h = h + states[layer]
            states.append(h)
        if self.JK == "last":
            return states[-1]
        total = 0
        for h in states:
            total = total + h
        return total


class GNNGraph(nn.Module):
    """Graph embeddings: GNN_node, then mean (or sum) over each graph's nodes."""

    def __init__(self, num_layer=5, emb_dim=64, residual=False, drop_ratio=0.7, JK="last",
                 graph_pooling="mean"):
        super().__init__()
        if graph_pooling not in ("mean", "sum"):
            raise ValueError("Invalid graph pooling type.")
        self.graph_pooling = graph_pooling
        self.gnn_node = GNN_node(num_layer, emb_dim, drop_ratio=drop_ratio, JK=JK, residual=residual)

    def forward(self, batch):
        nodes = self.gnn_node(batch)
        graphs = batch["num_graphs"]
        sums = torch.zeros(graphs, nodes.shape[1], dtype=nodes.dtype).index_add_(0, batch["batch"], nodes)
        if self.graph_pooling == "sum":
            return sums
        counts = torch.bincount(batch["batch"], minlength=graphs).clamp(min=1).to(nodes.dtype)
        return sums / counts.unsqueeze(1)


def batch_from_graphs(graphs):
    """OGB smiles2graph dicts (node_feat, edge_index, edge_feat, num_nodes) ->
    one concatenated batch, edges in their original order (as NLA-MMR's
    graph_batch_from_smile builds it)."""
    xs, edge_indices, edge_attrs, owners = [], [], [], []
    first = 0
    for g, graph in enumerate(graphs):
        n = graph["num_nodes"]
        xs.append(torch.tensor(graph["node_feat"], dtype=torch.int64).reshape(n, len(ATOM_FEATURE_SIZES)))
        edge_index = torch.tensor(graph["edge_index"], dtype=torch.int64).reshape(2, -1)
        edge_indices.append(edge_index + first)
        edge_attr = torch.tensor(graph["edge_feat"], dtype=torch.int64)
        edge_attrs.append(edge_attr.reshape(-1, len(BOND_FEATURE_SIZES)))
        owners.append(torch.full((n,), g, dtype=torch.int64))
        first += n
    return {"x": torch.cat(xs), "edge_index": torch.cat(edge_indices, dim=1),
            "edge_attr": torch.cat(edge_attrs), "batch": torch.cat(owners), "num_graphs": len(graphs)}


def average_projection(class_offsets, num_graphs, dtype):
    """NLA-MMR's class-mean matrix [num_classes, num_graphs]: row c holds 1/n_c
    on class c's n_c graphs (a class without graphs is a zero row)."""
    matrix = torch.zeros(len(class_offsets) - 1, num_graphs, dtype=dtype)
    for c in range(len(class_offsets) - 1):
        start, end = class_offsets[c], class_offsets[c + 1]
        if end > start:
            matrix[c, start:end] = 1.0 / (end - start)
    return matrix


def randomize_gin(model, generator, batches_tracked):
    """Non-default values for what the default initialisation leaves constant
    in a GIN (eps, batch norm and its running statistics), so that a fixture
    tests them too; then every float rounded to float32 (the values nlammr
    loads). Used by make_gin_fixtures.py and make_nlammr_fixtures.py."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith(".eps"):
                p.uniform_(-0.3, 0.3, generator=generator)
            elif "batch_norms" in name or ".mlp.1." in name:
                if name.endswith("weight"):
                    p.uniform_(0.5, 1.5, generator=generator)
                else:
                    p.uniform_(-0.5, 0.5, generator=generator)
        for name, b in model.named_buffers():
            if name.endswith("running_mean"):
                b.normal_(0.0, 0.5, generator=generator)
            elif name.endswith("running_var"):
                b.uniform_(0.5, 2.0, generator=generator)
            elif name.endswith("num_batches_tracked"):
                b.fill_(batches_tracked)
        for t in list(model.parameters()) + list(model.buffers()):
            if t.is_floating_point():
                t.copy_(t.float().double())
