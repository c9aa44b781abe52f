#include "chem/aromaticity.h"

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "chem/element_table.h"

namespace nlammr::chem {
namespace {

// How an atom can contribute to a pi system.
enum class Donor { kVacant, kOne, kTwo, kOneOrTwo, kAny, kNone };

constexpr int kMaxFusedRingSize = 24;  // larger rings are not fused with others
constexpr int kMaxFusedCombination = 6;

int default_valence(int atomic_num) {
  return element_data(std::clamp(atomic_num, 0, kMaxAtomicNumber)).default_valence();
}

int total_valence(const Atom& atom) {
  return atom.explicit_valence + (atom.no_implicit ? 0 : atom.implicit_hs);
}

bool is_multiple(BondType type) { return twice_bond_order(type) >= 4; }

// First exocyclic (non-ring) multiple bond's partner, or -1.
int exocyclic_multiple_bond_partner(const Molecule& mol, const RingInfo& rings, int a) {
  for (int b : mol.atom_bonds(a)) {
    if (!rings.bond_in_ring(b) && is_multiple(mol.bond(b).type)) return mol.bond(b).other(a);
  }
  return -1;
}

bool has_ring_multiple_bond(const Molecule& mol, const RingInfo& rings, int a) {
  for (int b : mol.atom_bonds(a)) {
    if (rings.bond_in_ring(b) && is_multiple(mol.bond(b).type)) return true;
  }
  return false;
}

bool has_multiple_bond(const Molecule& mol, int a) {
  int degree = mol.degree(a) + mol.atoms[a].explicit_hs;
  for (int b : mol.atom_bonds(a)) {
    if (mol.bond(b).type == BondType::kUnspecified) --degree;
  }
  return mol.atoms[a].explicit_valence != degree;
}

Donor donor_type(const Molecule& mol, const RingInfo& rings, int a) {
  int electrons = count_atom_electrons(mol, a);
  if (electrons < 0) return Donor::kNone;
  const int partner = exocyclic_multiple_bond_partner(mol, rings, a);
  const bool partner_more_electronegative =
      partner >= 0 && more_electronegative(mol.atoms[partner].atomic_num, mol.atoms[a].atomic_num);
  if (electrons == 0) {
    // No electron to give, but possibly an empty p orbital.
    if (partner >= 0) return Donor::kVacant;
    return has_ring_multiple_bond(mol, rings, a) ? Donor::kOne : Donor::kNone;
  }
  if (electrons == 1) {
    if (partner >= 0) return partner_more_electronegative ? Donor::kVacant : Donor::kOne;
    if (has_multiple_bond(mol, a)) return Donor::kOne;
    // Tropylium and cyclopropenyl cations.
    return mol.atoms[a].formal_charge == 1 ? Donor::kVacant : Donor::kNone;
  }
  if (partner_more_electronegative) --electrons;
  return electrons % 2 == 1 ? Donor::kOne : Donor::kTwo;
}

bool can_be_aromatic(const Molecule& mol, int a, Donor donor) {
  const Atom& atom = mol.atoms[a];
  if (atom.atomic_num > 18 && atom.atomic_num != 34 && atom.atomic_num != 52) return false;
  if (donor == Donor::kNone) return false;
  // Atoms beyond their default valence (for their charge) are shut out.
  if (default_valence(atom.atomic_num) > 0 &&
      total_valence(atom) > default_valence(atom.atomic_num - atom.formal_charge)) {
    return false;
  }
  if (atom.radical_electrons > 0 && (atom.atomic_num != 6 || atom.formal_charge != 0)) return false;
  // No more than one double or triple bond (C1=C=NC=N1 is not aromatic).
  if (atom.explicit_valence - mol.degree(a) > 1) {
    int multiple = 0;
    for (int b : mol.atom_bonds(a)) multiple += is_multiple(mol.bond(b).type) ? 1 : 0;
    if (multiple > 1) return false;
  }
  return true;
}

void electron_range(Donor donor, int& low, int& high) {
  switch (donor) {
    case Donor::kAny:
    case Donor::kOneOrTwo: low = 1; high = 2; return;
    case Donor::kOne: low = high = 1; return;
    case Donor::kTwo: low = high = 2; return;
    default: low = high = 0;
  }
}

// Hueckel's rule for the atoms of a ring or fused system: some electron count
// in the atoms' range is 4n+2 (n >= 1), or the range tops out at 2.
bool satisfies_huckel(const std::vector<int>& atoms, const std::vector<Donor>& donors) {
  int low = 0, high = 0, any = 0;
  for (int a : atoms) {
    if (donors[a] == Donor::kAny && ++any > 1) return false;
    int l = 0, h = 0;
    electron_range(donors[a], l, h);
    low += l;
    high += h;
  }
  if (high >= 6) {
    for (int count = low; count <= high; ++count) {
      if ((count - 2) % 4 == 0) return true;
    }
    return false;
  }
  return high == 2;
}

// Next k-subset of {0..n-1} in lexicographic order; false after the last.
bool next_combination(std::vector<int>& comb, int n) {
  const int k = static_cast<int>(comb.size());
  int i = k - 1;
  while (comb[i] == n - k + i) {
    if (--i < 0) return false;
  }
  ++comb[i];
  for (int j = i + 1; j < k; ++j) comb[j] = comb[j - 1] + 1;
  return true;
}

class AromaticityPerception {
 public:
  AromaticityPerception(Molecule& mol, const RingInfo& rings) : mol_(mol), rings_(rings) {}

  void run() {
    find_candidate_rings();
    // Rings are fused when they share exactly one bond.
    neighbours_.assign(candidates_.size(), {});
    for (size_t i = 0; i < candidates_.size(); ++i) {
      if (bond_rings_[i].size() > kMaxFusedRingSize) continue;
      for (size_t j = i + 1; j < candidates_.size(); ++j) {
        if (bond_rings_[j].size() > kMaxFusedRingSize) continue;
        int shared = 0;
        for (int b : bond_rings_[j]) {
          shared += std::count(bond_rings_[i].begin(), bond_rings_[i].end(), b) > 0;
        }
        if (shared == 1) {
          neighbours_[i].push_back(static_cast<int>(j));
          neighbours_[j].push_back(static_cast<int>(i));
        }
      }
    }
    std::vector<bool> visited(candidates_.size(), false);
    for (size_t start = 0; start < candidates_.size(); ++start) {
      if (visited[start]) continue;
      std::vector<int> system = fused_system(static_cast<int>(start), visited);
      apply_huckel_to_fused_system(system);
    }
  }

 private:
  Molecule& mol_;
  const RingInfo& rings_;
  std::vector<std::vector<int>> candidates_;  // atom rings whose atoms all qualify
  std::vector<std::vector<int>> bond_rings_;  // the same rings as bonds
  std::vector<std::vector<int>> neighbours_;
  std::vector<Donor> donors_;

  void find_candidate_rings() {
    const int n = mol_.num_atoms();
    donors_.assign(n, Donor::kNone);
    std::vector<bool> seen(n, false), qualifies(n, false);
    for (size_t r = 0; r < rings_.atom_rings.size(); ++r) {
      const auto& ring = rings_.atom_rings[r];
      bool all_qualify = true;
      for (int a : ring) {
        // Each atom is judged once, in the first ring it is met in.
        if (seen[a]) {
          all_qualify &= qualifies[a];
          continue;
        }
        seen[a] = true;
        Donor donor = donor_type(mol_, rings_, a);
        // Ether O and S in macrocycles (9 or more atoms) bridge, they do not donate.
        const Atom& atom = mol_.atoms[a];
        if (donor == Donor::kTwo && ring.size() >= 9 && (atom.atomic_num == 8 || atom.atomic_num == 16) &&
            mol_.degree(a) == 2 && atom.formal_charge == 0) {
          bool multiple = false;
          for (int b : mol_.atom_bonds(a)) {
            multiple |= mol_.bond(b).type == BondType::kDouble || mol_.bond(b).type == BondType::kTriple;
          }
          if (!multiple) donor = Donor::kNone;
        }
        donors_[a] = donor;
        qualifies[a] = can_be_aromatic(mol_, a, donor);
        all_qualify &= qualifies[a];
      }
      if (all_qualify) {
        candidates_.push_back(ring);
        bond_rings_.push_back(rings_.bond_rings[r]);
      }
    }
  }

  // Depth-first, preorder: the candidate rings fused with `start`.
  std::vector<int> fused_system(int start, std::vector<bool>& visited) const {
    std::vector<int> system;
    std::vector<std::pair<int, size_t>> stack = {{start, 0}};
    visited[start] = true;
    system.push_back(start);
    while (!stack.empty()) {
      auto& [ring, next] = stack.back();
      if (next == neighbours_[ring].size()) {
        stack.pop_back();
        continue;
      }
      const int other = neighbours_[ring][next++];
      if (visited[other]) continue;
      visited[other] = true;
      system.push_back(other);
      stack.emplace_back(other, 0);
    }
    return system;
  }

  // Are the chosen rings one connected fused system?
  bool connected(const std::vector<int>& chosen) const {
    std::vector<bool> blocked(candidates_.size(), true);
    for (int r : chosen) blocked[r] = false;
    return fused_system(chosen.front(), blocked).size() == chosen.size();
  }

  // Every connected combination of 1..6 rings of the system, smallest first,
  // is tested; the outer bonds of each aromatic combination are marked.
  void apply_huckel_to_fused_system(const std::vector<int>& system) {
    const int num_rings = static_cast<int>(system.size());
    std::set<int> system_bonds, done_bonds;
    for (int r : system) system_bonds.insert(bond_rings_[r].begin(), bond_rings_[r].end());
    for (int size = 1; size <= std::min(num_rings, kMaxFusedCombination); ++size) {
      if (done_bonds.size() >= system_bonds.size()) break;
      if (size == 3 && num_rings > 300) break;
      std::vector<int> comb(size);
      for (int i = 0; i < size; ++i) comb[i] = i;
      do {
        std::vector<int> chosen;
        for (int i : comb) chosen.push_back(system[i]);
        if (!connected(chosen)) continue;
        // Atoms in one or two of the chosen rings take part (not the central
        // atom of three fused rings).
        std::map<int, int> ring_count;
        for (int r : chosen) {
          for (int a : candidates_[r]) ++ring_count[a];
        }
        std::vector<int> atoms;
        for (const auto& [a, count] : ring_count) {
          if (count == 1 || count == 2) atoms.push_back(a);
        }
        if (satisfies_huckel(atoms, donors_)) mark_aromatic(chosen, done_bonds);
      } while (next_combination(comb, num_rings));
    }
  }

  void mark_aromatic(const std::vector<int>& chosen, std::set<int>& done_bonds) {
    std::map<int, int> bond_count;
    for (int r : chosen) {
      for (int b : bond_rings_[r]) ++bond_count[b];
    }
    for (const auto& [b, count] : bond_count) {
      if (count != 1) continue;  // bonds shared inside the combination stay as they are
      Bond& bond = mol_.bond(b);
      bond.aromatic = true;
      if (bond.type == BondType::kSingle || bond.type == BondType::kDouble) {
        bond.type = BondType::kAromatic;
        mol_.atoms[bond.begin].aromatic = true;
        mol_.atoms[bond.end].aromatic = true;
      }
      done_bonds.insert(b);
    }
  }
};

}  // namespace

int count_atom_electrons(const Molecule& mol, int a) {
  const Atom& atom = mol.atoms[a];
  const int dv = default_valence(atom.atomic_num);
  if (dv <= 1) return -1;  // univalent elements are neither aromatic nor conjugated
  int degree = mol.degree(a) + atom.total_hs();
  for (int b : mol.atom_bonds(a)) {
    if (mol.bond(b).type == BondType::kUnspecified) --degree;
  }
  if (degree > 3) return -1;
  // Lone-pair electrons: outer electrons beyond the default valence, less the charge.
  const int lone = std::max(element_data(atom.atomic_num).outer_electrons - dv - atom.formal_charge, 0);
  int electrons = (dv - degree) + lone - atom.radical_electrons;
  // With a triple bond (two unsaturations) only one electron is counted.
  if (electrons > 1 && atom.explicit_valence - mol.degree(a) > 1) electrons = 1;
  return electrons;
}

void perceive_aromaticity(Molecule& mol, const RingInfo& rings) { AromaticityPerception(mol, rings).run(); }

}  // namespace nlammr::chem
