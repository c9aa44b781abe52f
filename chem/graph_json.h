// MolGraph <-> JSON, in OGB's smiles2graph layout:
//   {"smiles": s, "num_nodes": n, "node_feat": [[9 ints] x n],
//    "edge_index": [[sources], [destinations]], "edge_feat": [[3 ints] x edges]}
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "chem/molecule_graph.h"

namespace nlammr {

nlohmann::json mol_graph_to_json(const MolGraph& graph);

// Throws std::runtime_error naming the first field that does not fit the layout.
MolGraph mol_graph_from_json(const nlohmann::json& json);

}  // namespace nlammr
