#include "chem/structure.h"

#include <algorithm>

namespace nlammr::chem {

double bond_valence(BondType type) { return twice_bond_order(type) / 2.0; }

int twice_bond_order(BondType type) {
  switch (type) {
    case BondType::kSingle: return 2;
    case BondType::kDouble: return 4;
    case BondType::kTriple: return 6;
    case BondType::kQuadruple: return 8;
    case BondType::kAromatic: return 3;
    case BondType::kUnspecified: return 0;
  }
  return 0;
}

int Molecule::add_atom(const Atom& atom) {
  atoms.push_back(atom);
  atom_bonds_.emplace_back();
  return num_atoms() - 1;
}

int Molecule::add_bond(const Bond& bond) {
  bonds_.push_back(bond);
  const int index = num_bonds() - 1;
  atom_bonds_[bond.begin].push_back(index);
  atom_bonds_[bond.end].push_back(index);
  return index;
}

int Molecule::bond_between(int a, int b) const {
  for (int index : atom_bonds_[a]) {
    if (bonds_[index].other(a) == b) return index;
  }
  return -1;
}

void Molecule::remove_atom(int atom) {
  std::vector<Bond> kept;
  for (const Bond& bond : bonds_) {
    if (bond.begin == atom || bond.end == atom) continue;
    Bond moved = bond;
    if (moved.begin > atom) --moved.begin;
    if (moved.end > atom) --moved.end;
    kept.push_back(moved);
  }
  atoms.erase(atoms.begin() + atom);
  bonds_ = std::move(kept);
  rebuild_adjacency();
}

void Molecule::rebuild_adjacency() {
  atom_bonds_.assign(atoms.size(), {});
  for (int index = 0; index < num_bonds(); ++index) {
    atom_bonds_[bonds_[index].begin].push_back(index);
    atom_bonds_[bonds_[index].end].push_back(index);
  }
}

int permutation_parity(const std::vector<int>& from, const std::vector<int>& to) {
  // Rearrange a copy of `from` into `to` by swaps (selection), counting them.
  std::vector<int> current = from;
  int swaps = 0;
  for (size_t i = 0; i < to.size(); ++i) {
    auto it = std::find(current.begin() + i, current.end(), to[i]);
    if (it != current.begin() + i) {
      std::iter_swap(current.begin() + i, it);
      ++swaps;
    }
  }
  return swaps % 2;
}

}  // namespace nlammr::chem
