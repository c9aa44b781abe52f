// Helpers shared by the molecule tests: reading reference graphs and
// describing the first difference between two graphs.
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "chem/molecule_graph.h"

namespace nlammr::testing {

// One JSON object per line.
inline std::vector<nlohmann::json> read_json_lines(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::vector<nlohmann::json> out;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

template <typename Row>
std::string row_text(const Row& row) {
  std::ostringstream out;
  out << '[';
  for (size_t i = 0; i < row.size(); ++i) out << (i ? "," : "") << row[i];
  out << ']';
  return out.str();
}

// "" when the graphs are equal (SMILES aside), else the first differing atom,
// edge or count, with both values.
inline std::string first_difference(const MolGraph& ours, const MolGraph& reference) {
  std::ostringstream out;
  if (ours.num_nodes != reference.num_nodes) {
    out << "num_nodes " << ours.num_nodes << " vs reference " << reference.num_nodes;
    return out.str();
  }
  for (int64_t a = 0; a < ours.num_nodes; ++a) {
    if (ours.node_feat[a] != reference.node_feat[a]) {
      out << "atom " << a << ": " << row_text(ours.node_feat[a]) << " vs reference "
          << row_text(reference.node_feat[a]);
      return out.str();
    }
  }
  if (ours.num_edges() != reference.num_edges()) {
    out << "edges " << ours.num_edges() << " vs reference " << reference.num_edges();
    return out.str();
  }
  for (int64_t e = 0; e < ours.num_edges(); ++e) {
    if (ours.edge_src[e] != reference.edge_src[e] || ours.edge_dst[e] != reference.edge_dst[e]) {
      out << "edge " << e << " (bond " << e / 2 << "): " << ours.edge_src[e] << "->" << ours.edge_dst[e]
          << " vs reference " << reference.edge_src[e] << "->" << reference.edge_dst[e];
      return out.str();
    }
    if (ours.edge_feat[e] != reference.edge_feat[e]) {
      out << "bond " << e / 2 << " (" << ours.edge_src[e] << "-" << ours.edge_dst[e]
          << "): " << row_text(ours.edge_feat[e]) << " vs reference " << row_text(reference.edge_feat[e]);
      return out.str();
    }
  }
  return "";
}

}  // namespace nlammr::testing
