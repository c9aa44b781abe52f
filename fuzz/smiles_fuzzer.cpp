// SMILES to molecular graph (chem/from_smiles.cpp and the perception behind
// it: Open Babel's parser, rings, aromaticity, kekulization, valence, stereo,
// CIP ranks). The limits of chem/smiles_limits.h must stop anything too big
// before it is parsed; an accepted molecule's graph must be well formed:
// edges between existing atoms, in pairs, every feature inside its range.
#include <cstdint>
#include <stdexcept>
#include <string>

#include "chem/molecule_graph.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string smiles(reinterpret_cast<const char*>(data), size);
  try {
    const nlammr::MolGraph graph = nlammr::smiles_to_graph(smiles);
    if (graph.num_nodes <= 0 || graph.node_feat.size() != static_cast<size_t>(graph.num_nodes)) __builtin_trap();
    for (const auto& atom : graph.node_feat)
      for (int f = 0; f < nlammr::kNumAtomFeatures; ++f)
        if (atom[f] < 0 || atom[f] >= nlammr::kAtomFeatureSizes[f]) __builtin_trap();
    const size_t edges = graph.edge_src.size();
    if (edges % 2 != 0 || graph.edge_dst.size() != edges || graph.edge_feat.size() != edges) __builtin_trap();
    for (size_t e = 0; e < edges; ++e) {
      if (graph.edge_src[e] < 0 || graph.edge_src[e] >= graph.num_nodes) __builtin_trap();
      if (graph.edge_dst[e] < 0 || graph.edge_dst[e] >= graph.num_nodes) __builtin_trap();
      for (int f = 0; f < nlammr::kNumBondFeatures; ++f)
        if (graph.edge_feat[e][f] < 0 || graph.edge_feat[e][f] >= nlammr::kBondFeatureSizes[f]) __builtin_trap();
    }
    for (size_t e = 0; e < edges; e += 2)
      if (graph.edge_src[e] != graph.edge_dst[e + 1] || graph.edge_dst[e] != graph.edge_src[e + 1]) __builtin_trap();
  } catch (const std::runtime_error& e) {
    nlammr::fuzz::require_names_input(e, "SMILES");
  }
  return 0;
}
