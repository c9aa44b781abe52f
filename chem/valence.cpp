#include "chem/valence.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "chem/element_table.h"

namespace nlammr::chem {
namespace {

const std::vector<int>& valences_of(int atomic_num) { return element_data(atomic_num).valences; }

// A charged atom is judged by the valences of its isoelectronic neutral
// element (N+ like C, O- like F), except for elements with no valence list.
int effective_atomic_number(const Atom& atom) {
  const auto& own = valences_of(atom.atomic_num);
  if (own.size() == 1 && own[0] == -1) return atom.atomic_num;
  return std::clamp(atom.atomic_num - atom.formal_charge, 0, kMaxAtomicNumber);
}

// Anions of P, S, As and Se keep their own hypervalent states rather than
// those of the halogen or noble gas they are isoelectronic with.
bool can_be_hypervalent(const Atom& atom, int effective) {
  return (effective > 16 && (atom.atomic_num == 15 || atom.atomic_num == 16)) ||
         (effective > 34 && (atom.atomic_num == 33 || atom.atomic_num == 34));
}

double bond_valence_sum(const Molecule& mol, int a) {
  double sum = 0;
  for (int b : mol.atom_bonds(a)) sum += bond_valence(mol.bond(b).type);
  return sum;
}

const char* symbol_of(const Atom& atom) { return element_data(atom.atomic_num).symbol; }

void convert_double_to_charge_pair(Molecule& mol, int bond, int positive, int negative) {
  mol.bond(bond).type = BondType::kSingle;
  mol.atoms[positive].formal_charge += 1;
  mol.atoms[negative].formal_charge -= 1;
}

void clean_up_nitrogens(Molecule& mol) {
  std::vector<int> pentavalent;
  for (int a = 0; a < mol.num_atoms(); ++a) {
    const Atom& atom = mol.atoms[a];
    if (atom.atomic_num != 7 || atom.formal_charge != 0) continue;
    if (explicit_valence(mol, a, false) != 5) continue;
    pentavalent.push_back(a);
    for (int b : mol.atom_bonds(a)) {
      const int other = mol.bond(b).other(a);
      if (mol.atoms[other].atomic_num == 8 && mol.atoms[other].formal_charge == 0 &&
          mol.bond(b).type == BondType::kDouble) {
        convert_double_to_charge_pair(mol, b, a, other);
        break;
      }
    }
  }
  // N=N#N (azides written without charges) -> N=[N+]=[N-].
  for (int a : pentavalent) {
    for (int b : mol.atom_bonds(a)) {
      const int other = mol.bond(b).other(a);
      if (mol.atoms[other].atomic_num == 7 && mol.atoms[other].formal_charge == 0 &&
          mol.bond(b).type == BondType::kTriple) {
        mol.bond(b).type = BondType::kDouble;
        mol.atoms[a].formal_charge += 1;
        mol.atoms[other].formal_charge -= 1;
        break;
      }
    }
  }
}

void clean_up_phosphorus(Molecule& mol, int a) {
  if (mol.atoms[a].formal_charge != 0) return;
  if (explicit_valence(mol, a, false) != 5 || mol.degree(a) != 3) return;
  int double_to_oxygen = -1;
  bool double_to_carbon_or_nitrogen = false;
  for (int b : mol.atom_bonds(a)) {
    const int other = mol.bond(b).other(a);
    const Atom& nbr = mol.atoms[other];
    if (mol.bond(b).type != BondType::kDouble) continue;
    if (nbr.atomic_num == 8 && nbr.formal_charge == 0) {
      double_to_oxygen = b;
    } else if ((nbr.atomic_num == 6 || nbr.atomic_num == 7) && mol.degree(other) >= 2) {
      double_to_carbon_or_nitrogen = true;
    }
  }
  if (double_to_oxygen >= 0 && double_to_carbon_or_nitrogen) {
    convert_double_to_charge_pair(mol, double_to_oxygen, a, mol.bond(double_to_oxygen).other(a));
  }
}

void clean_up_halogen(Molecule& mol, int a) {
  const int valence = explicit_valence(mol, a, false);
  if (mol.atoms[a].formal_charge != 0 || (valence != 7 && valence != 5 && valence != 3)) return;
  for (int b : mol.atom_bonds(a)) {
    if (mol.atoms[mol.bond(b).other(a)].atomic_num != 8) return;
  }
  for (int b : mol.atom_bonds(a)) {
    if (mol.bond(b).type == BondType::kDouble) {
      convert_double_to_charge_pair(mol, b, a, mol.bond(b).other(a));
    }
  }
}

[[noreturn]] void valence_error(const Molecule& mol, int a, const std::string& what) {
  throw std::runtime_error(describe_atom(mol, a) + ": " + what);
}

}  // namespace

bool is_aromatic_atom(const Molecule& mol, int atom) {
  if (mol.atoms[atom].aromatic) return true;
  for (int b : mol.atom_bonds(atom)) {
    if (mol.bond(b).aromatic || mol.bond(b).type == BondType::kAromatic) return true;
  }
  return false;
}

std::string describe_atom(const Molecule& mol, int atom) {
  const Atom& a = mol.atoms[atom];
  return "atom " + std::to_string(a.smiles_index + 1) + " (" + symbol_of(a) + ")";
}

void clean_up_hypervalent_groups(Molecule& mol) {
  clean_up_nitrogens(mol);
  for (int a = 0; a < mol.num_atoms(); ++a) {
    const int z = mol.atoms[a].atomic_num;
    if (z == 15) clean_up_phosphorus(mol, a);
    if (z == 17 || z == 35 || z == 53) clean_up_halogen(mol, a);
  }
}

int explicit_valence(const Molecule& mol, int a, bool strict) {
  const Atom& atom = mol.atoms[a];
  double sum = bond_valence_sum(mol, a) + atom.explicit_hs;
  const int effective = effective_atomic_number(atom);
  const auto& own = valences_of(atom.atomic_num);
  const auto& valences = valences_of(effective);
  const int default_valence = valences.front();
  if (default_valence >= 0 && sum > default_valence && is_aromatic_atom(mol, a)) {
    // An aromatic atom whose bond orders add up past its default valence
    // (c1cccn1C: 4) is taken at the allowed valence just below the sum, if
    // within 1.5 of it: the valence it has in a Kekule structure.
    int below = default_valence;
    for (int v : valences) {
      if (v == -1 || v > sum) break;
      below = v;
    }
    if (sum - below <= 1.5) sum = below;
  }
  // Half-integral sums (C1ccccC1) round up.
  const int valence = static_cast<int>(std::lround(sum + 0.1));
  if (strict) {
    int max_valence = valences.back();
    int offset = 0;
    if (can_be_hypervalent(atom, effective)) {
      max_valence = own.back();
      offset = -atom.formal_charge;
    }
    if (atom.atomic_num == 1 && atom.formal_charge == -1) max_valence = 2;
    if (max_valence >= 0 && own.back() >= 0 && valence + offset > max_valence) {
      valence_error(mol, a, "explicit valence " + std::to_string(valence) + " is greater than permitted");
    }
  }
  return valence;
}

int implicit_valence(const Molecule& mol, int a, int explicit_v, bool strict) {
  const Atom& atom = mol.atoms[a];
  if (atom.no_implicit || atom.atomic_num == 0) return 0;
  if (explicit_v == 0 && atom.radical_electrons == 0 && atom.atomic_num == 1) {
    if (atom.formal_charge == 0) return 1;
    if (atom.formal_charge == 1 || atom.formal_charge == -1) return 0;
    if (strict) valence_error(mol, a, "unreasonable formal charge");
    return 0;
  }
  int with_radicals = explicit_v + atom.radical_electrons;
  int effective = effective_atomic_number(atom);
  if (effective == 0) return 0;
  const int default_valence = valences_of(effective).front();
  if (default_valence == -1) return 0;
  if (can_be_hypervalent(atom, effective)) {
    effective = atom.atomic_num;
    with_radicals -= atom.formal_charge;
  }
  const auto& valences = valences_of(effective);
  if (is_aromatic_atom(mol, a)) {
    if (with_radicals <= default_valence) return default_valence - with_radicals;
    bool allowed = false;
    for (int v : valences) {
      if (v <= 0) break;
      allowed |= v == with_radicals;
    }
    if (!allowed && strict) {
      valence_error(mol, a, "explicit valence of an aromatic atom is not an accepted valence");
    }
    return 0;
  }
  for (int v : valences) {
    if (v < 0) break;
    if (with_radicals <= v) return v - with_radicals;
  }
  if (strict && valences.back() != -1 && valences_of(atom.atomic_num).back() > 0) {
    valence_error(mol, a, "explicit valence " + std::to_string(explicit_v) + " is greater than permitted");
  }
  return 0;
}

void compute_valences(Molecule& mol, bool strict) {
  for (int a = 0; a < mol.num_atoms(); ++a) {
    Atom& atom = mol.atoms[a];
    atom.explicit_valence = explicit_valence(mol, a, strict);
    atom.implicit_hs = implicit_valence(mol, a, atom.explicit_valence, strict);
  }
}

void assign_radicals(Molecule& mol) {
  for (int a = 0; a < mol.num_atoms(); ++a) {
    Atom& atom = mol.atoms[a];
    // Only atoms with a stated hydrogen count (bracket atoms) get radicals.
    if (!atom.no_implicit || atom.atomic_num == 0) continue;
    const auto& valences = valences_of(atom.atomic_num);
    const int outer = element_data(atom.atomic_num).outer_electrons;
    const int charge = atom.formal_charge;
    if (valences.size() == 1 && valences[0] == -1) {
      // Metals without a valence list: only a free atom can be a radical,
      // with its electron count's parity.
      atom.radical_electrons = mol.degree(a) > 0 ? 0 : std::max(outer - charge, 0) % 2;
      continue;
    }
    const int total = static_cast<int>(bond_valence_sum(mol, a) + atom.explicit_hs + 0.1);
    const int base = atom.atomic_num <= 2 ? 2 : 8;
    // Electrons short of an octet (later elements) ...
    int radicals = base - outer - total + charge;
    if (radicals < 0) {
      radicals = 0;
      if (valences.size() > 1) {
        for (int v : valences) {
          if (v - total + charge >= 0) {
            radicals = v - total + charge;
            break;
          }
        }
      }
    }
    // ... or valence electrons left unpaired (earlier elements).
    const int unpaired = outer - total - charge;
    if (unpaired >= 0) radicals = std::min(radicals, unpaired);
    atom.radical_electrons = radicals;
  }
}

}  // namespace nlammr::chem
