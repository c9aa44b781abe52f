// Molecular graphs batched for message passing.
//
// The graphs of a batch are concatenated (node ids offset per graph) and the
// directed edges are grouped by destination node in compressed-sparse-row
// form: node v's incoming edges are src[dst_offsets[v] .. dst_offsets[v+1]).
// Within a node the edges keep their original order (a stable sort), so a
// segment sum over destinations always adds in the same order and gives
// bit-identical results run after run.
#pragma once

#include <cstdint>
#include <vector>

#include "chem/molecule_graph.h"

namespace nlammr {

struct GraphBatch {
  int64_t num_graphs = 0;
  int64_t num_nodes = 0;
  int64_t num_edges = 0;
  // num_graphs + 1: graph g owns nodes [node_offsets[g], node_offsets[g+1]).
  std::vector<int64_t> node_offsets;
  std::vector<int64_t> node_graph;    // num_nodes: the graph each node belongs to
  std::vector<int32_t> node_feat;     // num_nodes x kNumAtomFeatures, row-major
  std::vector<int64_t> dst_offsets;   // num_nodes + 1: CSR row pointer over destination nodes
  std::vector<int64_t> src;           // num_edges, CSR order: source node of each edge
  std::vector<int64_t> dst;           // num_edges, CSR order: destination node (non-decreasing)
  std::vector<int32_t> edge_feat;     // num_edges x kNumBondFeatures, row-major, CSR order
  // num_edges: position of each CSR edge in the concatenation of the graphs'
  // own edge lists (graph 0's edges, then graph 1's, ...).
  std::vector<int64_t> edge_origin;
};

// Throws std::runtime_error naming the molecule if a graph is inconsistent
// (feature rows not matching num_nodes, edges out of range).
GraphBatch make_graph_batch(const std::vector<MolGraph>& graphs);

// The molecules of each medication class (ATC3) in one batch: class c owns
// graphs [class_offsets[c], class_offsets[c+1]); the class embedding is the
// mean over that range. A class may own no graph (all its SMILES invalid).
struct ClassGraphBatch {
  GraphBatch graphs;
  std::vector<int64_t> class_offsets;  // num_classes + 1

  int64_t num_classes() const { return static_cast<int64_t>(class_offsets.size()) - 1; }
};

ClassGraphBatch make_class_graph_batch(const std::vector<std::vector<MolGraph>>& graphs_per_class);

}  // namespace nlammr
