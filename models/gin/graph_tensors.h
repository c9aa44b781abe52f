// A batch of molecular graphs as engine tensors, built once and reused for
// every forward pass (featurizing and batching happen on the host; the GIN
// only reads these tensors, on whichever device they were placed).
#pragma once

#include <cstdint>

#include "engine/tensor.h"
#include "models/gin/graph_batch.h"

namespace nlammr {

struct GraphTensors {
  int64_t num_graphs = 0;
  int64_t num_nodes = 0;
  int64_t num_edges = 0;
  int64_t num_classes = 0;  // 0 when built from a plain GraphBatch

  // Feature-major integer features, so that feature k of every atom (row k)
  // is one contiguous id vector for its embedding table.
  Tensor atom_features;  // int32 [kNumAtomFeatures, num_nodes]
  Tensor bond_features;  // int32 [kNumBondFeatures, num_edges], edges in CSR order
  // The distinct atom feature rows, in order of first appearance, and each
  // atom's row among them: molecules repeat a few kinds of atom (75 kinds
  // among the 6,767 atoms of the MIMIC-III medications), so the atom encoder
  // embeds the kinds and each atom looks its kind up.
  Tensor atom_kinds;    // int32 [kNumAtomFeatures, num_kinds], feature-major
  Tensor atom_kind_of;  // int32 [num_nodes]
  // Each edge's bond features as one id (FeatureEmbeddingSum::forward_combined),
  // so that the bond encoders need one lookup per edge instead of three.
  Tensor bond_combinations;  // int32 [num_edges], CSR order
  // Edges grouped by destination (models/gin/graph_batch.h): node v receives from
  // src[dst_offsets[v] .. dst_offsets[v+1]).
  Tensor src;            // int64 [num_edges]
  Tensor dst_offsets;    // int64 [num_nodes + 1]
  Tensor node_offsets;   // int64 [num_graphs + 1]: graph g owns nodes [node_offsets[g], node_offsets[g+1])
  Tensor class_offsets;  // int64 [num_classes + 1], or undefined: class c owns graphs [class_offsets[c],
                         // ..[c+1])

  Device device() const { return src.device(); }
};

GraphTensors make_graph_tensors(const GraphBatch& batch, Device device = Device::cpu());
GraphTensors make_graph_tensors(const ClassGraphBatch& batch, Device device = Device::cpu());

}  // namespace nlammr
