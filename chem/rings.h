// Ring perception: the set of relevant cycles.
//
// RDKit's "symmetrized SSSR" is, in its current versions, the set of relevant
// cycles: every cycle that is not the sum (over GF(2), as edge sets) of
// strictly shorter cycles, i.e. the union of all minimum cycle bases. Unlike
// one SSSR it does not depend on atom order, and aromaticity, ring membership
// and ring stereochemistry are all read from it.
#pragma once

#include <vector>

#include "chem/structure.h"

namespace nlammr::chem {

struct RingInfo {
  std::vector<std::vector<int>> atom_rings;  // atoms of each ring, in cycle order
  std::vector<std::vector<int>> bond_rings;  // bonds of each ring, in cycle order
  std::vector<int> rings_of_atom;            // number of rings through each atom
  std::vector<int> rings_of_bond;            // number of rings through each bond

  bool atom_in_ring(int atom) const { return rings_of_atom[atom] > 0; }
  bool bond_in_ring(int bond) const { return rings_of_bond[bond] > 0; }
  bool atom_in_ring_of_size(int atom, int size) const;
  // Size of the smallest ring through a bond; 0 if the bond is in none.
  int min_bond_ring_size(int bond) const;
  // RDKit's bridgehead test: at least three ring bonds, and every ring through
  // the atom shares two or more bonds with another ring through it.
  bool is_bridgehead(const Molecule& mol, int atom) const;
};

// Relevant cycles ordered by size (then by discovery order). Throws
// std::runtime_error for ring systems too large to enumerate.
RingInfo find_rings(const Molecule& mol);

}  // namespace nlammr::chem
