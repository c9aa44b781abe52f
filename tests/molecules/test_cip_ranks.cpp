// The CIP rank refinement gives the ranks of the round-by-round definition
// on drugs, on symmetric graphs full of ties and on random graphs, and stays
// correct on the largest molecules the SMILES limits let through. (Its speed
// is measured in bench/molecules, not here.)
#include <doctest/doctest.h>

#include <fstream>
#include <random>
#include <string>

#include "chem/cip_ranks.h"
#include "chem/from_smiles.h"
#include "chem/smiles_limits.h"
#include "tests/molecules/cip_ranks_by_definition.h"
#include "tests/test_support.h"

using namespace nlammr;
using chem::Molecule;

namespace {

// Atoms of elements C, N, O, S with 0-2 hydrogens, random bond types.
Molecule random_molecule(std::mt19937& rng, int atoms, int extra_bonds, int elements) {
  Molecule mol;
  const int element_of[] = {6, 7, 8, 16};
  const chem::BondType types[] = {chem::BondType::kSingle, chem::BondType::kDouble, chem::BondType::kAromatic};
  for (int a = 0; a < atoms; ++a) {
    chem::Atom atom;
    atom.atomic_num = element_of[rng() % elements];
    atom.no_implicit = true;
    atom.explicit_hs = static_cast<int>(rng() % 3);
    mol.add_atom(atom);
  }
  auto bond = [&](int a, int b) {
    chem::Bond bond;
    bond.begin = a;
    bond.end = b;
    bond.type = types[rng() % (elements == 1 ? 1 : 3)];
    mol.add_bond(bond);
  };
  for (int a = 1; a < atoms; ++a) bond(static_cast<int>(rng() % a), a);  // a random tree
  for (int e = 0; e < extra_bonds; ++e) {
    const int a = static_cast<int>(rng() % atoms), b = static_cast<int>(rng() % atoms);
    bool present = a == b;
    for (int x : mol.atom_bonds(a)) present |= mol.bond(x).other(a) == b;
    if (!present) bond(a, b);
  }
  return mol;
}

// Two disjoint copies of `mol`: every class is at least a pair.
Molecule doubled(const Molecule& mol) {
  Molecule out;
  for (int copy = 0; copy < 2; ++copy) {
    for (const chem::Atom& atom : mol.atoms) out.add_atom(atom);
    for (int b = 0; b < mol.num_bonds(); ++b) {
      chem::Bond bond = mol.bond(b);
      bond.begin += copy * mol.num_atoms();
      bond.end += copy * mol.num_atoms();
      out.add_bond(bond);
    }
  }
  return out;
}

void check_same_ranks(const Molecule& mol) {
  const std::vector<long long> invariants = chem::cip_initial_invariants(mol);
  CHECK(chem::legacy_cip_ranks(mol) == testing::cip_ranks_by_definition(mol, invariants));
  // Seeded with coarse invariants, as the stereo re-ranking seeds it.
  std::vector<long long> coarse(invariants.size());
  for (size_t a = 0; a < coarse.size(); ++a) coarse[a] = invariants[a] % 3;
  CHECK(chem::refine_cip_ranks(mol, coarse) == testing::cip_ranks_by_definition(mol, coarse));
}

}  // namespace

TEST_CASE("CIP ranks: the refinement equals the definition on every fixture molecule") {
  std::ifstream in(testing::fixture_path("molecules/cases.smi"));
  REQUIRE(in.good());
  std::string line;
  int checked = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    chem::PerceivedMolecule perceived;
    try {
      perceived = chem::perceive_smiles(line);
    } catch (const std::runtime_error&) {
      continue;  // the fixture's invalid cases
    }
    CAPTURE(line);
    check_same_ranks(perceived.mol);
    check_same_ranks(doubled(perceived.mol));
    ++checked;
  }
  CHECK(checked > 200);
}

TEST_CASE("CIP ranks: the refinement equals the definition on random and symmetric graphs") {
  std::mt19937 rng(20261205);
  for (int trial = 0; trial < 300; ++trial) {
    CAPTURE(trial);
    const int atoms = 1 + static_cast<int>(rng() % 60);
    const int elements = 1 + static_cast<int>(rng() % 4);
    const Molecule mol = random_molecule(rng, atoms, static_cast<int>(rng() % 6), elements);
    check_same_ranks(mol);
    check_same_ranks(doubled(mol));
  }
}

TEST_CASE("CIP ranks: a chain and nested branches at the SMILES limits are ranked by the definition") {
  const size_t n = chem::SmilesLimits::kMaxAtoms / 4;  // the definition is quadratic
  const Molecule chain = chem::perceive_smiles(std::string(n, 'C')).mol;
  const std::vector<int> ranks = chem::legacy_cip_ranks(chain);
  CHECK(ranks == testing::cip_ranks_by_definition(chain, chem::cip_initial_invariants(chain)));
  // A chain is symmetric about its middle: n/2 classes, ends ranked lowest (more hydrogens).
  CHECK(testing::count_distinct(ranks) == static_cast<int>(n / 2));
  CHECK(ranks.front() == ranks.back());
  CHECK(ranks.front() == 0);
  std::string nested;
  for (size_t i = 0; i < chem::SmilesLimits::kMaxBranchDepth; ++i) nested += "C(O";
  nested += "C";
  for (size_t i = 0; i < chem::SmilesLimits::kMaxBranchDepth; ++i) nested += ")N";
  const Molecule branched = chem::perceive_smiles(nested).mol;
  CHECK(chem::legacy_cip_ranks(branched) ==
        testing::cip_ranks_by_definition(branched, chem::cip_initial_invariants(branched)));
  // The full-size chain: every atom at the same distance from an end ties.
  const size_t full = chem::SmilesLimits::kMaxAtoms;
  const std::vector<int> full_ranks = chem::legacy_cip_ranks(chem::perceive_smiles(std::string(full, 'C')).mol);
  CHECK(testing::count_distinct(full_ranks) == static_cast<int>(full / 2));
  for (size_t i = 0; i < full; ++i) CHECK(full_ranks[i] == full_ranks[full - 1 - i]);
}
