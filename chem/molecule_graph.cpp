#include "chem/molecule_graph.h"

#include <cstdio>
#include <stdexcept>

#include "chem/from_smiles.h"

namespace nlammr {
namespace {

using chem::BondStereo;
using chem::BondType;
using chem::ChiralTag;
using chem::Hybridization;

// Position of `value` in the list first..first+count-1, else the misc slot.
int32_t range_index(int value, int first, int count) {
  const int index = value - first;
  return index >= 0 && index < count ? index : count;
}

int32_t chirality_index(ChiralTag tag) {
  switch (tag) {
    case ChiralTag::kUnspecified: return 0;
    case ChiralTag::kTetrahedralCW: return 1;
    case ChiralTag::kTetrahedralCCW: return 2;
  }
  return 4;
}

int32_t hybridization_index(Hybridization hybridization) {
  switch (hybridization) {
    case Hybridization::kSP: return 0;
    case Hybridization::kSP2: return 1;
    case Hybridization::kSP3: return 2;
    case Hybridization::kSP3D: return 3;
    case Hybridization::kSP3D2: return 4;
    default: return 5;  // S and unspecified are not in OGB's list
  }
}

int32_t bond_type_index(BondType type) {
  switch (type) {
    case BondType::kSingle: return 0;
    case BondType::kDouble: return 1;
    case BondType::kTriple: return 2;
    case BondType::kAromatic: return 3;
    default: return 4;
  }
}

int32_t stereo_index(BondStereo stereo) {
  switch (stereo) {
    case BondStereo::kNone: return 0;
    case BondStereo::kZ: return 1;
    case BondStereo::kE: return 2;
  }
  return 0;
}

MolGraph graph_of(const std::string& smiles, const chem::PerceivedMolecule& perceived) {
  const chem::Molecule& mol = perceived.mol;
  MolGraph graph;
  graph.smiles = smiles;
  graph.num_nodes = mol.num_atoms();
  for (int a = 0; a < mol.num_atoms(); ++a) {
    const chem::Atom& atom = mol.atoms[a];
    graph.node_feat.push_back({
        range_index(atom.atomic_num, 1, 118),
        chirality_index(atom.chiral_tag),
        range_index(mol.total_degree(a), 0, 11),
        range_index(atom.formal_charge, -5, 11),
        range_index(atom.total_hs(), 0, 9),
        range_index(atom.radical_electrons, 0, 5),
        hybridization_index(atom.hybridization),
        atom.aromatic ? 1 : 0,
        perceived.rings.atom_in_ring(a) ? 1 : 0,
    });
  }
  for (int b = 0; b < mol.num_bonds(); ++b) {
    const chem::Bond& bond = mol.bond(b);
    const std::array<int32_t, kNumBondFeatures> feat = {bond_type_index(bond.type), stereo_index(bond.stereo),
                                                         bond.conjugated ? 1 : 0};
    graph.edge_src.push_back(bond.begin);
    graph.edge_dst.push_back(bond.end);
    graph.edge_feat.push_back(feat);
    graph.edge_src.push_back(bond.end);
    graph.edge_dst.push_back(bond.begin);
    graph.edge_feat.push_back(feat);
  }
  return graph;
}

// The SMILES as an error message shows it: whole when short, else its start
// and its length (a hostile string can be megabytes long).
std::string quoted_for_message(const std::string& smiles) {
  constexpr size_t kShown = 80;
  if (smiles.size() <= kShown) return "'" + smiles + "'";
  return "'" + smiles.substr(0, kShown) + "...' (" + std::to_string(smiles.size()) + " characters)";
}

}  // namespace

MolGraph smiles_to_graph(const std::string& smiles) {
  try {
    return graph_of(smiles, chem::perceive_smiles(smiles));
  } catch (const std::exception& e) {
    throw std::runtime_error("invalid SMILES " + quoted_for_message(smiles) + ": " + e.what());
  }
}

std::vector<MolGraph> smiles_to_graphs(const std::vector<std::string>& smiles, bool skip_invalid) {
  std::vector<MolGraph> graphs;
  graphs.reserve(smiles.size());
  for (const std::string& s : smiles) {
    try {
      graphs.push_back(smiles_to_graph(s));
    } catch (const std::runtime_error& e) {
      if (!skip_invalid) throw;
      std::fprintf(stderr, "warning: skipping %s\n", e.what());
    }
  }
  return graphs;
}

}  // namespace nlammr
