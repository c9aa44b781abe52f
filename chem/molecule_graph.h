// Molecular graphs with OGB's integer features, from SMILES strings.
//
// NLA-MMR embeds each medication class from the molecular graphs of its
// drugs. The reference implementation builds them with RDKit and OGB's
// featurizer (ogb.utils.smiles2graph); nlammr reads the SMILES with Open Babel
// and reproduces RDKit's perception on top of it (see docs/molecules.md), so
// the features are the same integers.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace nlammr {

// Atom features, in OGB's order. Each is an index into OGB's list of allowed
// values; a value missing from the list takes the last ("misc") slot.
enum AtomFeature : int {
  kAtomicNumber = 0,      // atomic number - 1 (1..118), misc 118
  kChiralTag = 1,         // unspecified, tetrahedral CW, tetrahedral CCW, other, misc
  kTotalDegree = 2,       // neighbours including hydrogens, 0..10, misc
  kFormalCharge = 3,      // -5..5 stored as 0..10, misc
  kTotalHydrogens = 4,    // 0..8, misc
  kRadicalElectrons = 5,  // 0..4, misc
  kHybridization = 6,     // SP, SP2, SP3, SP3D, SP3D2, misc (S and unspecified are misc)
  kIsAromatic = 7,        // 0/1
  kIsInRing = 8,          // 0/1
};
enum BondFeature : int {
  kBondType = 0,          // single, double, triple, aromatic, misc
  kBondStereo = 1,        // none, Z, E, cis, trans, any
  kIsConjugated = 2,      // 0/1
};

constexpr int kNumAtomFeatures = 9;
constexpr int kNumBondFeatures = 3;
// Number of values of each feature (OGB's get_atom_feature_dims and
// get_bond_feature_dims): the sizes of the GIN's embedding tables.
constexpr std::array<int32_t, kNumAtomFeatures> kAtomFeatureSizes = {119, 5, 12, 12, 10, 6, 6, 2, 2};
constexpr std::array<int32_t, kNumBondFeatures> kBondFeatureSizes = {5, 6, 2};

// One molecule as OGB's smiles2graph lays it out: atoms in SMILES order
// (explicit [H] removed as RDKit does), and for each bond i in RDKit's bond
// order two directed edges, 2i = (begin, end) and 2i+1 = (end, begin), both
// with the bond's features.
struct MolGraph {
  std::string smiles;
  int64_t num_nodes = 0;
  std::vector<std::array<int32_t, kNumAtomFeatures>> node_feat;
  std::vector<int64_t> edge_src;
  std::vector<int64_t> edge_dst;
  std::vector<std::array<int32_t, kNumBondFeatures>> edge_feat;

  int64_t num_edges() const { return static_cast<int64_t>(edge_src.size()); }
};

// Throws std::runtime_error("invalid SMILES '<smiles>': <problem>") for a
// string RDKit would reject: bad syntax (unbalanced parentheses, unclosed
// rings, unknown elements, empty string), impossible valences (pentavalent
// carbon, four-bonded neutral nitrogen, as in the platinum complex
// oxaliplatin written with N-Pt single bonds), aromatic systems that cannot be
// kekulized. Wildcard atoms, dative bonds and non-tetrahedral chirality
// classes are rejected as unsupported.
MolGraph smiles_to_graph(const std::string& smiles);

// Graphs of several SMILES, in order. With skip_invalid an invalid SMILES is
// reported on stderr ("warning: skipping ...") and left out; without it the
// first invalid SMILES throws.
std::vector<MolGraph> smiles_to_graphs(const std::vector<std::string>& smiles, bool skip_invalid);

}  // namespace nlammr
