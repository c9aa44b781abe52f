// The 269 medication SMILES of the shared MIMIC-III data against RDKit.
//
// Nothing derived from the shared data is committed: the reference graphs are
// written by tools/reference/make_ogb_features.py into the build folder when
// the test runs. Skipped when the data or RDKit for python3 is absent.
#include <doctest/doctest.h>

#include <array>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <string>

#include "chem/graph_json.h"
#include "chem/molecule_graph.h"
#include "tests/molecules/graph_compare.h"
#include "tests/test_support.h"

namespace {

bool python_has_rdkit() { return std::system("python3 -c 'import rdkit' > /dev/null 2>&1") == 0; }

// RDKit turns a bond from an over-valent atom to a metal into a dative bond
// (OGB's "misc" bond type); the RDKit of the reference implementation
// rejected such molecules (oxaliplatin here) and so does nlammr.
bool has_misc_bond(const nlammr::MolGraph& graph) {
  for (const auto& feat : graph.edge_feat) {
    if (feat[nlammr::kBondType] == nlammr::kBondFeatureSizes[nlammr::kBondType] - 1) return true;
  }
  return false;
}

const char* const kAtomNames[] = {"atomic number", "chirality", "degree", "formal charge", "hydrogens",
                                  "radical electrons", "hybridization", "aromatic", "in ring"};
const char* const kBondNames[] = {"bond type", "bond stereo", "conjugated"};

}  // namespace

TEST_CASE("shared medication SMILES match RDKit atom by atom and bond by bond") {
  const std::string medications = nlammr::testing::shared_data_path("mimic3/medications.tsv");
  if (medications.empty()) NLAMMR_SKIP("../shared/data/mimic3/medications.tsv is absent");
  if (!python_has_rdkit()) NLAMMR_SKIP("python3 cannot import rdkit");
  const std::string reference_path = std::string(NLAMMR_BINARY_DIR) + "/molecules_shared_reference.jsonl";
  const std::string command = "python3 '" + std::string(NLAMMR_SOURCE_DIR) +
                              "/tools/reference/make_ogb_features.py' '" + medications + "' '" +
                              reference_path + "' 2> /dev/null";
  REQUIRE_MESSAGE(std::system(command.c_str()) == 0, "reference script failed: " << command);

  std::array<long, nlammr::kNumAtomFeatures> atom_agree{}, bond_agree{};
  long atoms = 0, bonds = 0, molecules = 0, identical = 0, rejected_like_reference = 0;
  for (const auto& record : nlammr::testing::read_json_lines(reference_path)) {
    const std::string smiles = record.at("smiles").get<std::string>();
    INFO("SMILES: " << smiles);
    ++molecules;
    if (record.contains("error")) {
      CHECK_THROWS_AS(nlammr::smiles_to_graph(smiles), std::runtime_error);
      continue;
    }
    const nlammr::MolGraph reference = nlammr::mol_graph_from_json(record);
    nlammr::MolGraph ours;
    try {
      ours = nlammr::smiles_to_graph(smiles);
    } catch (const std::runtime_error& e) {
      const bool expected =
          has_misc_bond(reference) && std::string(e.what()).find("valence") != std::string::npos;
      CHECK_MESSAGE(expected, "nlammr rejects a molecule RDKit accepts: " << e.what());
      rejected_like_reference += expected ? 1 : 0;
      continue;
    }
    const std::string difference = nlammr::testing::first_difference(ours, reference);
    CHECK_MESSAGE(difference.empty(), smiles << ": " << difference);
    identical += difference.empty() ? 1 : 0;
    if (ours.num_nodes != reference.num_nodes || ours.num_edges() != reference.num_edges()) continue;
    for (int64_t a = 0; a < ours.num_nodes; ++a, ++atoms) {
      for (int k = 0; k < nlammr::kNumAtomFeatures; ++k)
        atom_agree[k] += ours.node_feat[a][k] == reference.node_feat[a][k];
    }
    for (int64_t e = 0; e < ours.num_edges(); e += 2, ++bonds) {
      for (int k = 0; k < nlammr::kNumBondFeatures; ++k)
        bond_agree[k] += ours.edge_feat[e][k] == reference.edge_feat[e][k];
    }
  }
  std::ostringstream summary;
  summary << molecules << " SMILES: " << identical << " identical graphs, " << rejected_like_reference
          << " rejected as the reference implementation's RDKit did (metal complex with over-valent N)\n";
  for (int k = 0; k < nlammr::kNumAtomFeatures; ++k) {
    summary << "  " << kAtomNames[k] << ": " << atom_agree[k] << "/" << atoms << " atoms agree\n";
  }
  for (int k = 0; k < nlammr::kNumBondFeatures; ++k) {
    summary << "  " << kBondNames[k] << ": " << bond_agree[k] << "/" << bonds << " bonds agree\n";
  }
  MESSAGE(summary.str());
  CHECK(molecules == 269);
  CHECK(identical + rejected_like_reference == molecules);
}
