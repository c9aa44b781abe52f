#include "chem/graph_json.h"

#include <stdexcept>

namespace nlammr {
namespace {

template <size_t N>
std::array<int32_t, N> int_row(const nlohmann::json& row, const char* field) {
  if (!row.is_array() || row.size() != N) {
    throw std::runtime_error(std::string("'") + field + "' rows must have " + std::to_string(N) +
                             " integers");
  }
  std::array<int32_t, N> out{};
  for (size_t i = 0; i < N; ++i) {
    if (!row[i].is_number_integer())
      throw std::runtime_error(std::string("'") + field + "' holds a non-integer");
    out[i] = row[i].get<int32_t>();
  }
  return out;
}

}  // namespace

nlohmann::json mol_graph_to_json(const MolGraph& graph) {
  nlohmann::json json;
  json["smiles"] = graph.smiles;
  json["num_nodes"] = graph.num_nodes;
  json["node_feat"] = graph.node_feat;
  json["edge_index"] = nlohmann::json::array({graph.edge_src, graph.edge_dst});
  json["edge_feat"] = graph.edge_feat;
  return json;
}

MolGraph mol_graph_from_json(const nlohmann::json& json) {
  for (const char* field : {"smiles", "num_nodes", "node_feat", "edge_index", "edge_feat"}) {
    if (!json.contains(field)) throw std::runtime_error(std::string("missing field '") + field + "'");
  }
  MolGraph graph;
  graph.smiles = json["smiles"].get<std::string>();
  graph.num_nodes = json["num_nodes"].get<int64_t>();
  for (const auto& row : json["node_feat"])
    graph.node_feat.push_back(int_row<kNumAtomFeatures>(row, "node_feat"));
  const auto& index = json["edge_index"];
  if (!index.is_array() || index.size() != 2 || index[0].size() != index[1].size()) {
    throw std::runtime_error("'edge_index' must be two lists of equal length");
  }
  graph.edge_src = index[0].get<std::vector<int64_t>>();
  graph.edge_dst = index[1].get<std::vector<int64_t>>();
  for (const auto& row : json["edge_feat"])
    graph.edge_feat.push_back(int_row<kNumBondFeatures>(row, "edge_feat"));
  if (static_cast<int64_t>(graph.node_feat.size()) != graph.num_nodes) {
    throw std::runtime_error("'node_feat' has " + std::to_string(graph.node_feat.size()) + " rows for " +
                             std::to_string(graph.num_nodes) + " nodes");
  }
  if (graph.edge_feat.size() != graph.edge_src.size()) {
    throw std::runtime_error("'edge_feat' and 'edge_index' disagree on the number of edges");
  }
  return graph;
}

}  // namespace nlammr
