#include "models/gin/graph_tensors.h"

#include <array>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/gin/feature_embedding.h"

namespace nlammr {

namespace {

// Row-major [rows, width] host features -> feature-major [width, rows] tensor.
Tensor feature_major(const std::vector<int32_t>& row_major, int64_t rows, int width, Device device) {
  std::vector<int32_t> columns(row_major.size());
  for (int64_t r = 0; r < rows; ++r)
    for (int k = 0; k < width; ++k) columns[k * rows + r] = row_major[r * width + k];
  return Tensor::from_vector(columns, {width, rows}, device);
}

// Every id must index its embedding table; a hand-made batch could hold
// anything, and the error should say which feature of which row.
template <size_t N>
void check_feature_ranges(const std::vector<int32_t>& row_major, const std::array<int32_t, N>& sizes,
                          const char* what) {
  for (size_t i = 0; i < row_major.size(); ++i) {
    const size_t k = i % N;
    if (row_major[i] < 0 || row_major[i] >= sizes[k])
      throw std::runtime_error(std::string("make_graph_tensors: ") + what + " " + std::to_string(i / N) +
                               ": feature " + std::to_string(k) + " is " + std::to_string(row_major[i]) +
                               ", outside [0, " + std::to_string(sizes[k]) + ")");
  }
}

void check_size(size_t actual, int64_t expected, const char* what) {
  if (static_cast<int64_t>(actual) != expected)
    throw std::runtime_error(std::string("make_graph_tensors: GraphBatch.") + what + " has " +
                             std::to_string(actual) + " entries, expected " + std::to_string(expected));
}

}  // namespace

GraphTensors make_graph_tensors(const GraphBatch& batch, Device device) {
  // A batch from make_graph_batch is consistent; these checks catch one
  // assembled by hand.
  check_size(batch.node_offsets.size(), batch.num_graphs + 1, "node_offsets");
  check_size(batch.node_feat.size(), batch.num_nodes * kNumAtomFeatures, "node_feat");
  check_size(batch.dst_offsets.size(), batch.num_nodes + 1, "dst_offsets");
  check_size(batch.src.size(), batch.num_edges, "src");
  check_size(batch.edge_feat.size(), batch.num_edges * kNumBondFeatures, "edge_feat");

  check_feature_ranges(batch.node_feat, kAtomFeatureSizes, "node");
  check_feature_ranges(batch.edge_feat, kBondFeatureSizes, "edge (CSR order)");

  GraphTensors t;
  t.num_graphs = batch.num_graphs;
  t.num_nodes = batch.num_nodes;
  t.num_edges = batch.num_edges;
  t.atom_features = feature_major(batch.node_feat, batch.num_nodes, kNumAtomFeatures, device);
  std::vector<int32_t> kinds, kind_of(static_cast<size_t>(batch.num_nodes));
  std::map<std::vector<int32_t>, int32_t> kind_index;
  for (int64_t v = 0; v < batch.num_nodes; ++v) {
    const auto row = batch.node_feat.begin() + v * kNumAtomFeatures;
    auto [it, added] = kind_index.emplace(std::vector<int32_t>(row, row + kNumAtomFeatures),
                                          static_cast<int32_t>(kind_index.size()));
    if (added) kinds.insert(kinds.end(), row, row + kNumAtomFeatures);
    kind_of[v] = it->second;
  }
  const int64_t num_kinds = static_cast<int64_t>(kind_index.size());
  t.atom_kinds = feature_major(kinds, num_kinds, kNumAtomFeatures, device);
  t.atom_kind_of = Tensor::from_vector(kind_of, {batch.num_nodes}, device);
  t.bond_features = feature_major(batch.edge_feat, batch.num_edges, kNumBondFeatures, device);
  std::vector<int32_t> combinations(static_cast<size_t>(batch.num_edges));
  for (int64_t e = 0; e < batch.num_edges; ++e)
    combinations[e] = static_cast<int32_t>(
        combination_id(&batch.edge_feat[e * kNumBondFeatures], kBondFeatureSizes.data(), kNumBondFeatures));
  t.bond_combinations = Tensor::from_vector(combinations, {batch.num_edges}, device);
  t.src = Tensor::from_vector(batch.src, {batch.num_edges}, device);
  t.dst_offsets = Tensor::from_vector(batch.dst_offsets, {batch.num_nodes + 1}, device);
  t.node_offsets = Tensor::from_vector(batch.node_offsets, {batch.num_graphs + 1}, device);
  return t;
}

GraphTensors make_graph_tensors(const ClassGraphBatch& batch, Device device) {
  if (batch.class_offsets.empty() || batch.class_offsets.front() != 0 ||
      batch.class_offsets.back() != batch.graphs.num_graphs)
    throw std::runtime_error("make_graph_tensors: class_offsets must run from 0 to the number of graphs (" +
                             std::to_string(batch.graphs.num_graphs) + ")");
  GraphTensors t = make_graph_tensors(batch.graphs, device);
  t.num_classes = batch.num_classes();
  t.class_offsets = Tensor::from_vector(batch.class_offsets, {t.num_classes + 1}, device);
  return t;
}

}  // namespace nlammr
