// Ring perception: relevant cycles (facts of graph theory, no reference needed).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "chem/rings.h"
#include "chem/smiles_syntax.h"

namespace {

std::vector<int> ring_sizes(const char* smiles) {
  const auto rings = nlammr::chem::find_rings(nlammr::chem::read_smiles_syntax(smiles));
  std::vector<int> sizes;
  for (const auto& ring : rings.atom_rings) sizes.push_back(static_cast<int>(ring.size()));
  std::sort(sizes.begin(), sizes.end());
  return sizes;
}

}  // namespace

TEST_CASE("relevant cycles of common ring systems") {
  CHECK(ring_sizes("CCO").empty());
  CHECK(ring_sizes("C1CCCCC1") == std::vector<int>{6});
  // Naphthalene: the 10-ring is the sum of the two 6-rings, not relevant.
  CHECK(ring_sizes("c1ccc2ccccc2c1") == std::vector<int>{6, 6});
  // Norbornane: the 6-ring is the sum of the two (shorter) 5-rings.
  CHECK(ring_sizes("C1CC2CCC1C2") == std::vector<int>{5, 5});
  // Bicyclo[2.2.2]octane: three 6-rings, any two form a minimum basis.
  CHECK(ring_sizes("C1CC2CCC1CC2") == std::vector<int>{6, 6, 6});
  // Cubane: all six faces. Adamantane: four chairs.
  CHECK(ring_sizes("C12C3C4C1C5C2C3C45") == std::vector<int>{4, 4, 4, 4, 4, 4});
  CHECK(ring_sizes("C1C2CC3CC1CC(C2)C3") == std::vector<int>{6, 6, 6, 6});
  // Spiro and separate rings.
  CHECK(ring_sizes("C12(CCCC1)CCCC2") == std::vector<int>{5, 5});
  CHECK(ring_sizes("C1CC1CCC1CCCC1") == std::vector<int>{3, 5});
}

TEST_CASE("ring membership of atoms and bonds, smallest rings and bridgeheads") {
  // Biphenyl-like: two rings joined by a bond on no ring.
  const auto mol = nlammr::chem::read_smiles_syntax("C1CCCCC1C1CCCCC1");
  const auto rings = nlammr::chem::find_rings(mol);
  const int linker = mol.bond_between(5, 6);
  REQUIRE(linker >= 0);
  CHECK_FALSE(rings.bond_in_ring(linker));
  CHECK(rings.min_bond_ring_size(linker) == 0);
  CHECK(rings.bond_in_ring(mol.bond_between(0, 1)));
  CHECK(rings.min_bond_ring_size(mol.bond_between(0, 1)) == 6);
  for (int a = 0; a < mol.num_atoms(); ++a) CHECK(rings.atom_in_ring(a));

  const auto norbornane = nlammr::chem::read_smiles_syntax("C1CC2CCC1C2");
  const auto norbornane_rings = nlammr::chem::find_rings(norbornane);
  CHECK(norbornane_rings.is_bridgehead(norbornane, 2));
  CHECK(norbornane_rings.is_bridgehead(norbornane, 5));
  CHECK_FALSE(norbornane_rings.is_bridgehead(norbornane, 0));
  const auto decalin = nlammr::chem::read_smiles_syntax("C1CCC2CCCCC2C1");
  CHECK_FALSE(nlammr::chem::find_rings(decalin).is_bridgehead(decalin, 3));
}

// Found by fuzz/smiles_fuzzer.cpp: a chain of ~1,950 atoms closed into large
// rings took over 10 s in the sanitized build (1.6 s in Release) because the
// ring searches rebuilt an atom's neighbour list at every step, O(atoms^2)
// allocations. The neighbour lists are now built once; the answer must not
// change. Time itself is not tested (bench/, not tests, measure speed); the
// fuzz stage of scripts/test.sh fails on any input slower than 10 s.
TEST_CASE("relevant cycles of macrocycles near the SMILES atom limit") {
  CHECK(ring_sizes(("C1" + std::string(1996, 'C') + "C1").c_str()) == std::vector<int>{1998});
  // Two 999-rings sharing one (spiro) atom.
  const std::string spiro = "C12(" + std::string(997, 'C') + "C1)" + std::string(997, 'C') + "C2";
  CHECK(ring_sizes(spiro.c_str()) == std::vector<int>{999, 999});
  // Without the branch the second closure runs through the first ring's last
  // atom: a 999-ring and a 1,000-ring sharing the bond that closes the first.
  const std::string chained = "C12" + std::string(997, 'C') + "C1" + std::string(997, 'C') + "C2";
  CHECK(ring_sizes(chained.c_str()) == std::vector<int>{999, 1000});
  // Two large rings sharing a bond (the fused pair's outer ring is their sum, not relevant).
  const std::string fused = "C1" + std::string(600, 'C') + "C2" + "C1" + std::string(600, 'C') + "C2";
  CHECK(ring_sizes(fused.c_str()) == std::vector<int>{603, 603});
}
