#include "chem/hybridization.h"

#include <vector>

#include "chem/aromaticity.h"
#include "chem/element_table.h"

namespace nlammr::chem {
namespace {

int total_valence(const Atom& atom) {
  return atom.explicit_valence + (atom.no_implicit ? 0 : atom.implicit_hs);
}

// Can the atom be part of a conjugated system? Hypervalent neutral atoms
// cannot, and below the second row only atoms that are not pnictogens or
// chalcogens (so not the P of Pc1ccccc1), or chalcogens with one neighbour.
bool conjugation_candidate(const Molecule& mol, int a) {
  const Atom& atom = mol.atoms[a];
  const ElementData& element = element_data(atom.atomic_num);
  const int first_valence = element.valences.front();
  if (atom.formal_charge == 0 && first_valence >= 0 && total_valence(atom) > first_valence) return false;
  const int outer = element.outer_electrons;
  const bool allowed_element = atom.atomic_num <= 10 || (outer != 5 && outer != 6) ||
                               (outer == 6 && mol.total_degree(a) < 2);
  return allowed_element && count_atom_electrons(mol, a) > 0;
}

bool has_conjugated_bond(const Molecule& mol, int a) {
  for (int b : mol.atom_bonds(a)) {
    if (mol.bond(b).conjugated) return true;
  }
  return false;
}

// Bonds plus lone pairs (plus unpaired electrons below an octet).
int orbital_count(const Molecule& mol, int a) {
  const Atom& atom = mol.atoms[a];
  const int degree = mol.total_degree(a);
  if (atom.atomic_num <= 1) return degree;
  const int outer = element_data(atom.atomic_num).outer_electrons;
  const int valence = total_valence(atom);
  const int free_electrons = outer - (valence + atom.formal_charge);
  if (valence + outer - atom.formal_charge < 8) {
    const int radicals = atom.radical_electrons;
    return degree + (free_electrons - radicals) / 2 + radicals;
  }
  return degree + free_electrons / 2;
}

}  // namespace

void perceive_conjugation(Molecule& mol) {
  for (int b = 0; b < mol.num_bonds(); ++b) mol.bond(b).conjugated = mol.bond(b).aromatic;
  const int n = mol.num_atoms();
  std::vector<bool> candidate(n);
  std::vector<int> substituents(n, 0);
  for (int a = 0; a < n; ++a) {
    candidate[a] = conjugation_candidate(mol, a);
    if (candidate[a]) substituents[a] = mol.total_degree(a);
  }
  for (int a = 0; a < n; ++a) {
    if (!candidate[a] || substituents[a] < 2 || substituents[a] > 3) continue;
    for (int b1 : mol.atom_bonds(a)) {
      if (bond_valence(mol.bond(b1).type) < 1.5 || !candidate[mol.bond(b1).other(a)]) continue;
      for (int b2 : mol.atom_bonds(a)) {
        if (b2 == b1) continue;
        const int other = mol.bond(b2).other(a);
        if (substituents[other] > 3 || !candidate[other]) continue;
        mol.bond(b1).conjugated = true;
        mol.bond(b2).conjugated = true;
      }
    }
  }
}

void assign_hybridization(Molecule& mol) {
  for (int a = 0; a < mol.num_atoms(); ++a) {
    Atom& atom = mol.atoms[a];
    if (atom.atomic_num == 0) {
      atom.hybridization = Hybridization::kUnspecified;
      continue;
    }
    // A tetrahedral stereo mark on a four-coordinate atom settles it.
    if (atom.chiral_tag != ChiralTag::kUnspecified && mol.total_degree(a) == 4) {
      atom.hybridization = Hybridization::kSP3;
      continue;
    }
    // From actinium on RDKit counts neighbours only.
    const int orbitals = atom.atomic_num < 89 ? orbital_count(mol, a) : mol.total_degree(a);
    switch (orbitals) {
      case 0:
      case 1: atom.hybridization = Hybridization::kS; break;
      case 2: atom.hybridization = Hybridization::kSP; break;
      case 3: atom.hybridization = Hybridization::kSP2; break;
      case 4:
        atom.hybridization = mol.total_degree(a) > 3 || !has_conjugated_bond(mol, a) ? Hybridization::kSP3
                                                                                     : Hybridization::kSP2;
        break;
      case 5: atom.hybridization = Hybridization::kSP3D; break;
      case 6: atom.hybridization = Hybridization::kSP3D2; break;
      default: atom.hybridization = Hybridization::kUnspecified;
    }
  }
}

void clear_chirality_of_non_sp3_atoms(Molecule& mol) {
  for (Atom& atom : mol.atoms) {
    if (atom.chiral_tag != ChiralTag::kUnspecified && atom.hybridization != Hybridization::kSP3) {
      atom.chiral_tag = ChiralTag::kUnspecified;
    }
  }
}

}  // namespace nlammr::chem
