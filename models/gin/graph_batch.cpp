#include "models/gin/graph_batch.h"

#include <stdexcept>
#include <string>

namespace nlammr {
namespace {

void check_graph(const MolGraph& graph) {
  auto fail = [&](const std::string& problem) {
    throw std::runtime_error("molecular graph of '" + graph.smiles + "': " + problem);
  };
  if (graph.num_nodes < 0 || static_cast<int64_t>(graph.node_feat.size()) != graph.num_nodes) {
    fail("node_feat has " + std::to_string(graph.node_feat.size()) + " rows for " +
         std::to_string(graph.num_nodes) + " nodes");
  }
  if (graph.edge_dst.size() != graph.edge_src.size() || graph.edge_feat.size() != graph.edge_src.size()) {
    fail("edge sources, destinations and features differ in number");
  }
  for (size_t e = 0; e < graph.edge_src.size(); ++e) {
    if (graph.edge_src[e] < 0 || graph.edge_src[e] >= graph.num_nodes || graph.edge_dst[e] < 0 ||
        graph.edge_dst[e] >= graph.num_nodes) {
      fail("edge " + std::to_string(e) + " leaves the graph's nodes");
    }
  }
}

}  // namespace

GraphBatch make_graph_batch(const std::vector<MolGraph>& graphs) {
  GraphBatch batch;
  batch.num_graphs = static_cast<int64_t>(graphs.size());
  batch.node_offsets.push_back(0);
  for (const MolGraph& graph : graphs) {
    check_graph(graph);
    batch.num_nodes += graph.num_nodes;
    batch.num_edges += graph.num_edges();
    batch.node_offsets.push_back(batch.num_nodes);
  }

  // Nodes: concatenated in graph order.
  batch.node_graph.reserve(batch.num_nodes);
  batch.node_feat.reserve(batch.num_nodes * kNumAtomFeatures);
  for (int64_t g = 0; g < batch.num_graphs; ++g) {
    for (const auto& row : graphs[g].node_feat) {
      batch.node_graph.push_back(g);
      batch.node_feat.insert(batch.node_feat.end(), row.begin(), row.end());
    }
  }

  // Edges: a counting sort by destination, which keeps the original order
  // among edges with the same destination.
  batch.dst_offsets.assign(batch.num_nodes + 1, 0);
  for (int64_t g = 0; g < batch.num_graphs; ++g) {
    for (int64_t d : graphs[g].edge_dst) ++batch.dst_offsets[batch.node_offsets[g] + d + 1];
  }
  for (int64_t v = 0; v < batch.num_nodes; ++v) batch.dst_offsets[v + 1] += batch.dst_offsets[v];
  std::vector<int64_t> next(batch.dst_offsets.begin(), batch.dst_offsets.end() - 1);
  batch.src.resize(batch.num_edges);
  batch.dst.resize(batch.num_edges);
  batch.edge_origin.resize(batch.num_edges);
  batch.edge_feat.resize(batch.num_edges * kNumBondFeatures);
  int64_t origin = 0;
  for (int64_t g = 0; g < batch.num_graphs; ++g) {
    const MolGraph& graph = graphs[g];
    const int64_t offset = batch.node_offsets[g];
    for (int64_t e = 0; e < graph.num_edges(); ++e, ++origin) {
      const int64_t dst = offset + graph.edge_dst[e];
      const int64_t slot = next[dst]++;
      batch.src[slot] = offset + graph.edge_src[e];
      batch.dst[slot] = dst;
      batch.edge_origin[slot] = origin;
      for (int k = 0; k < kNumBondFeatures; ++k)
        batch.edge_feat[slot * kNumBondFeatures + k] = graph.edge_feat[e][k];
    }
  }
  return batch;
}

ClassGraphBatch make_class_graph_batch(const std::vector<std::vector<MolGraph>>& graphs_per_class) {
  ClassGraphBatch out;
  std::vector<MolGraph> all;
  out.class_offsets.push_back(0);
  for (const auto& graphs : graphs_per_class) {
    all.insert(all.end(), graphs.begin(), graphs.end());
    out.class_offsets.push_back(static_cast<int64_t>(all.size()));
  }
  out.graphs = make_graph_batch(all);
  return out;
}

}  // namespace nlammr
