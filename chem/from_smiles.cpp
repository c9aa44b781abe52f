#include "chem/from_smiles.h"

#include <stdexcept>
#include <string>
#include <vector>

#include "chem/aromaticity.h"
#include "chem/hybridization.h"
#include "chem/kekulize.h"
#include "chem/open_babel.h"
#include "chem/smiles_limits.h"
#include "chem/smiles_syntax.h"
#include "chem/stereo.h"
#include "chem/valence.h"
#include "chem/large_stack.h"

namespace nlammr::chem {
namespace {

BondDir opposite(BondDir dir) {
  if (dir == BondDir::kEndUpRight) return BondDir::kEndDownRight;
  if (dir == BondDir::kEndDownRight) return BondDir::kEndUpRight;
  return BondDir::kNone;
}

// RDKit keeps a hydrogen atom when it is isotopic, free, bridging, bonded
// only to hydrogen, or the only neighbour at its end of a double bond it
// gives a '/' '\' direction to ([H]/N=C/C).
bool should_remove_hydrogen(const Molecule& mol, int h) {
  const Atom& atom = mol.atoms[h];
  if (atom.atomic_num != 1 || atom.isotope != 0 || mol.degree(h) != 1) return false;
  const int bond = mol.atom_bonds(h)[0];
  const int heavy = mol.bond(bond).other(h);
  if (mol.atoms[heavy].atomic_num == 1) return false;
  if (mol.degree(heavy) == 2 && mol.bond(bond).dir != BondDir::kNone) {
    for (int b : mol.atom_bonds(heavy)) {
      if (mol.bond(b).type == BondType::kDouble) return false;
    }
  }
  return true;
}

// Removes hydrogen atom `h` (one bond), folding it into its neighbour's
// hydrogen count. The chirality tag of the neighbour is re-expressed with the
// hydrogen moved to the end of its bond list (RDKit's convention for implicit
// hydrogens), and a '/' '\' mark on the removed bond moves to another single
// bond of the neighbour.
void remove_hydrogen(Molecule& mol, int h) {
  const int bond = mol.atom_bonds(h)[0];
  const Bond removed = mol.bond(bond);
  const int heavy = removed.other(h);
  Atom& heavy_atom = mol.atoms[heavy];
  heavy_atom.explicit_hs += 1;
  if (heavy_atom.chiral_tag != ChiralTag::kUnspecified) {
    std::vector<int> hydrogen_last;
    for (int b : mol.atom_bonds(heavy)) {
      if (b != bond) hydrogen_last.push_back(b);
    }
    hydrogen_last.push_back(bond);
    if (permutation_parity(mol.atom_bonds(heavy), hydrogen_last) != 0) {
      heavy_atom.chiral_tag = heavy_atom.chiral_tag == ChiralTag::kTetrahedralCW ? ChiralTag::kTetrahedralCCW
                                                                                 : ChiralTag::kTetrahedralCW;
    }
  }
  if (removed.dir != BondDir::kNone) {
    bool other_directed = false;
    int undirected = -1;
    for (int b : mol.atom_bonds(heavy)) {
      if (b == bond || mol.bond(b).type != BondType::kSingle) continue;
      if (mol.bond(b).dir == BondDir::kNone) {
        undirected = b;
      } else {
        other_directed = true;
      }
    }
    if (!other_directed && undirected >= 0) {
      Bond& target = mol.bond(undirected);
      const bool flip = target.begin == heavy && removed.begin == heavy;
      target.dir = flip ? opposite(removed.dir) : removed.dir;
    }
  }
  mol.remove_atom(h);
}

bool remove_hydrogens(Molecule& mol) {
  std::vector<bool> remove(mol.num_atoms());
  for (int a = 0; a < mol.num_atoms(); ++a) remove[a] = should_remove_hydrogen(mol, a);
  bool removed_any = false;
  for (int a = mol.num_atoms() - 1; a >= 0; --a) {
    if (!remove[a]) continue;
    remove_hydrogen(mol, a);
    removed_any = true;
  }
  return removed_any;
}

int total_valence(const Atom& atom) {
  return atom.explicit_valence + (atom.no_implicit ? 0 : atom.implicit_hs);
}

// Replaces aromatic bonds by single and double bonds and clears the aromatic
// flags, as RDKit does before perceiving aromaticity with its own model.
// Hydrogens stay as counted on the aromatic form.
void kekulize(Molecule& mol, const RingInfo& rings) {
  bool any_aromatic = false;
  for (int a = 0; a < mol.num_atoms(); ++a) any_aromatic |= is_aromatic_atom(mol, a);
  if (!any_aromatic) return;
  std::vector<int> valence_before(mol.num_atoms());
  for (int a = 0; a < mol.num_atoms(); ++a) {
    valence_before[a] = total_valence(mol.atoms[a]);
    if (mol.atoms[a].aromatic && !rings.atom_in_ring(a)) {
      throw std::runtime_error(describe_atom(mol, a) + " is written aromatic but is not in a ring");
    }
  }
  if (!kekulize_like_rdkit(mol, rings)) {
    // Where RDKit's first walk fails it retries with canonical ranks; Open
    // Babel's Kekule structure stands in for that retry.
    for (int b = 0; b < mol.num_bonds(); ++b) {
      if (mol.bond(b).type == BondType::kAromatic) mol.bond(b).type = mol.bond(b).kekule_type;
    }
  }
  for (int b = 0; b < mol.num_bonds(); ++b) mol.bond(b).aromatic = false;
  for (int a = 0; a < mol.num_atoms(); ++a) {
    Atom& atom = mol.atoms[a];
    const bool pyrrole_like_nh = atom.aromatic && (atom.atomic_num == 7 || atom.atomic_num == 15) &&
                                 atom.formal_charge == 0 && atom.explicit_hs == 1;
    atom.aromatic = false;
    const int kekule_valence = explicit_valence(mol, a, false);
    if (pyrrole_like_nh) {
      // [nH]: the hydrogen becomes an implicit one.
      atom.no_implicit = false;
      atom.explicit_hs = 0;
      atom.explicit_valence = explicit_valence(mol, a, false);
      atom.implicit_hs = implicit_valence(mol, a, atom.explicit_valence, false);
    } else if (kekule_valence != atom.explicit_valence) {
      // RDKit keeps the valences counted on the aromatic form; a Kekule
      // structure that does not reproduce them is not one RDKit would find.
      throw std::runtime_error("the Kekule structure changes the valence of " + describe_atom(mol, a));
    }
    if (total_valence(atom) != valence_before[a]) {
      throw std::runtime_error("the Kekule structure changes the valence of " + describe_atom(mol, a));
    }
  }
}

// After aromaticity perception an aromatic atom may have fewer implicit
// hydrogens by the aromatic valence rules than before (the N of
// O=C1NC=CC=C1); RDKit keeps them as explicit hydrogens.
void keep_hydrogens_of_aromatic_atoms(Molecule& mol, const std::vector<bool>& was_aromatic) {
  for (int a = 0; a < mol.num_atoms(); ++a) {
    if (!was_aromatic[a] && !is_aromatic_atom(mol, a)) continue;
    Atom& atom = mol.atoms[a];
    const int before = atom.no_implicit ? 0 : atom.implicit_hs;
    const int after = implicit_valence(mol, a, explicit_valence(mol, a, false), false);
    if (after < before) atom.explicit_hs += before - after;
  }
}

void check_hydrogens_against_open_babel(const Molecule& mol, const std::vector<int>& open_babel_hydrogens) {
  for (int a = 0; a < mol.num_atoms(); ++a) {
    int hydrogens = mol.atoms[a].total_hs();
    for (int b : mol.atom_bonds(a)) hydrogens += mol.atoms[mol.bond(b).other(a)].atomic_num == 1 ? 1 : 0;
    const int theirs = open_babel_hydrogens[mol.atoms[a].smiles_index];
    if (hydrogens != theirs) {
      throw std::runtime_error("Open Babel counts " + std::to_string(theirs) + " hydrogens on " +
                               describe_atom(mol, a) + ", the valence model " + std::to_string(hydrogens));
    }
  }
}

// RDKit's sanitization, in its order.
void sanitize(Molecule& mol, RingInfo& rings, const std::vector<int>& open_babel_hydrogens) {
  clean_up_hypervalent_groups(mol);
  compute_valences(mol, /*strict=*/true);
  check_hydrogens_against_open_babel(mol, open_babel_hydrogens);
  std::vector<bool> was_aromatic(mol.num_atoms());
  for (int a = 0; a < mol.num_atoms(); ++a) was_aromatic[a] = is_aromatic_atom(mol, a);
  rings = find_rings(mol);
  kekulize(mol, rings);
  assign_radicals(mol);
  perceive_aromaticity(mol, rings);
  perceive_conjugation(mol);
  assign_hybridization(mol);
  clear_chirality_of_non_sp3_atoms(mol);
  keep_hydrogens_of_aromatic_atoms(mol, was_aromatic);
  compute_valences(mol, /*strict=*/true);
}

PerceivedMolecule perceive_within_limits(const std::string& smiles) {
  PerceivedMolecule out;
  Molecule& mol = out.mol;
  mol = read_smiles_syntax(smiles);
  const std::vector<int> open_babel_hydrogens = read_with_open_babel(smiles, mol);
  const bool removed_hydrogens = remove_hydrogens(mol);
  sanitize(mol, out.rings, open_babel_hydrogens);
  if (removed_hydrogens) {
    // A stereocentre left with two or more hydrogens gets them back as implicit ones.
    for (int a = 0; a < mol.num_atoms(); ++a) {
      Atom& atom = mol.atoms[a];
      if (atom.no_implicit || atom.chiral_tag == ChiralTag::kUnspecified || atom.explicit_hs <= 1) continue;
      atom.explicit_hs = 0;
      atom.explicit_valence = explicit_valence(mol, a, false);
      atom.implicit_hs = implicit_valence(mol, a, atom.explicit_valence, false);
    }
  }
  perceive_stereo(mol, out.rings);
  return out;
}

}  // namespace

PerceivedMolecule perceive_smiles(const std::string& smiles) {
  check_smiles_limits(smiles);
  // The limits bound the recursion depth in Open Babel; the stack it runs on
  // is made a known size too, whatever thread the caller is on.
  PerceivedMolecule out;
  run_with_large_stack([&] { out = perceive_within_limits(smiles); });
  return out;
}

}  // namespace nlammr::chem
