#include "chem/kekulize.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <vector>

#include "chem/element_table.h"
#include "chem/valence.h"

namespace nlammr::chem {
namespace {

constexpr int kMaxBacktracks = 100;

bool contains(const std::vector<int>& v, int x) { return std::find(v.begin(), v.end(), x) != v.end(); }
bool contains(const std::deque<int>& v, int x) { return std::find(v.begin(), v.end(), x) != v.end(); }

// Can this aromatic atom take a double bond? Its valence with all aromatic
// bonds counted as single, plus hydrogens, must be one short of an allowed
// valence (adjusted for charge).
bool can_take_double_bond(const Molecule& mol, int a) {
  const Atom& atom = mol.atoms[a];
  int single_order_sum = 0, ignored = 0;
  for (int b : mol.atom_bonds(a)) {
    const Bond& bond = mol.bond(b);
    if (bond.aromatic && (bond.type == BondType::kSingle || bond.type == BondType::kDouble ||
                          bond.type == BondType::kAromatic)) {
      ++single_order_sum;
    } else {
      const int contribution = static_cast<int>(std::lround(bond_valence(bond.type)));
      single_order_sum += contribution;
      if (contribution == 0) ++ignored;
    }
  }
  single_order_sum += atom.total_hs();
  const ElementData& element = element_data(atom.atomic_num);
  int charge = atom.formal_charge;
  if (is_early_element(atom.atomic_num)) charge = -charge;
  if (atom.atomic_num == 6 && charge > 0) charge = -charge;
  int valence = element.default_valence() + charge;
  const int total_valence = atom.explicit_valence + (atom.no_implicit ? 0 : atom.implicit_hs);
  const int radicals = atom.radical_electrons;
  const int total_degree = mol.degree(a) + (atom.no_implicit ? 0 : atom.implicit_hs) - ignored;
  for (size_t i = 1; total_valence > valence && i < element.valences.size() && element.valences[i] > 0; ++i) {
    valence = element.valences[i] + charge;
  }
  // Aromatic N-oxides written O=n1ccccc1.
  if (total_valence == 5 && single_order_sum == 4 && valence == 3 && total_degree == 3 && radicals == 0 &&
      charge == 0 && atom.total_hs() == 0 &&
      (atom.atomic_num == 7 || atom.atomic_num == 15 || atom.atomic_num == 33)) {
    valence = 5;
  }
  if (total_degree + radicals >= valence) return false;
  if (valence == single_order_sum + 1 + radicals) return true;
  return radicals == 0 && atom.no_implicit && valence == single_order_sum + 2;
}

class FusedSystemKekulizer {
 public:
  FusedSystemKekulizer(Molecule& mol, std::vector<int> atoms) : mol_(mol), atoms_(std::move(atoms)) {}

  bool run() {
    const int n = mol_.num_atoms();
    in_system_.assign(n, false);
    candidate_.assign(n, false);
    for (int a : atoms_) in_system_[a] = true;
    if (std::none_of(atoms_.begin(), atoms_.end(), [&](int a) { return is_aromatic_atom(mol_, a); }))
      return true;
    std::vector<int> to_single;
    for (int a : atoms_) {
      if (!is_aromatic_atom(mol_, a)) {
        done_.push_back(a);
        continue;
      }
      candidate_[a] = can_take_double_bond(mol_, a);
      for (int b : mol_.atom_bonds(a)) {
        const Bond& bond = mol_.bond(b);
        if (bond.aromatic && (bond.type == BondType::kSingle || bond.type == BondType::kDouble ||
                              bond.type == BondType::kAromatic)) {
          to_single.push_back(b);
        }
      }
    }
    for (int b : to_single) mol_.bond(b).type = BondType::kSingle;
    added_.assign(mol_.num_bonds(), false);
    return walk();
  }

 private:
  Molecule& mol_;
  std::vector<int> atoms_;
  std::vector<bool> in_system_, candidate_, added_;
  std::vector<int> done_;

  // Depth-first walk: each candidate atom takes a double bond to its first
  // candidate neighbour (lowest index); the alternatives are remembered and
  // tried on backtracking when a later candidate finds no partner.
  bool walk() {
    std::vector<int> sorted = atoms_;
    std::sort(sorted.begin(), sorted.end());
    std::deque<int> queue;
    std::map<int, std::deque<int>> options;
    std::vector<int> branch_points;
    int last_option = -1;
    int backtracks = 0;
    std::vector<bool> added_here(mol_.num_bonds(), false);
    while (done_.size() < sorted.size() || !queue.empty()) {
      int current = -1;
      if (!queue.empty()) {
        current = queue.front();
        queue.pop_front();
      } else {
        for (int a : sorted) {
          if (!contains(done_, a)) {
            current = a;
            break;
          }
        }
      }
      done_.push_back(current);
      const bool is_candidate = candidate_[current];
      std::deque<int> choices;
      if (options.count(current) != 0) {
        choices = options[current];
      } else {
        std::vector<int> neighbours;
        for (int b : mol_.atom_bonds(current)) {
          const int other = mol_.bond(b).other(current);
          if (in_system_[other] && !contains(done_, other)) neighbours.push_back(other);
        }
        std::sort(neighbours.begin(), neighbours.end());
        std::vector<int> to_queue;
        for (int other : neighbours) {
          if (!contains(queue, other)) to_queue.push_back(other);
          if (is_candidate && candidate_[other] && mol_.bond(mol_.bond_between(current, other)).aromatic) {
            choices.push_back(other);
          }
        }
        queue.insert(queue.end(), to_queue.begin(), to_queue.end());
      }
      if (!is_candidate) continue;
      if (!choices.empty()) {
        const int partner = choices.front();
        choices.pop_front();
        const int b = mol_.bond_between(current, partner);
        mol_.bond(b).type = BondType::kDouble;
        candidate_[current] = candidate_[partner] = false;
        added_[b] = added_here[b] = true;
        if (options.count(current) != 0) {
          if (choices.empty()) {
            options.erase(current);
            branch_points.pop_back();
            last_option = branch_points.empty() ? -1 : branch_points.back();
          } else {
            options[current] = choices;
          }
        } else if (!choices.empty()) {
          last_option = current;
          branch_points.push_back(current);
          options[current] = choices;
        }
      } else if (last_option >= 0 && backtracks < kMaxBacktracks) {
        backtrack(last_option, queue);
        ++backtracks;
      } else {
        for (int b = 0; b < mol_.num_bonds(); ++b) {
          if (added_here[b]) mol_.bond(b).type = BondType::kSingle;
        }
        return false;
      }
    }
    return true;
  }

  // Undo every step from `option` on: its atoms go back to the front of the
  // queue and double bonds made since (between atoms not done before) are
  // undone.
  void backtrack(int option, std::deque<int>& queue) {
    const auto at = std::find(done_.begin(), done_.end(), option);
    const std::vector<int> kept(done_.begin(), at);
    for (auto it = done_.rbegin(); it != done_.rend(); ++it) {
      queue.push_front(*it);
      if (*it == option) break;
    }
    for (int b = 0; b < mol_.num_bonds(); ++b) {
      if (!added_[b]) continue;
      const Bond& bond = mol_.bond(b);
      if (!contains(kept, bond.begin) && !contains(kept, bond.end)) {
        added_[b] = false;
        mol_.bond(b).type = BondType::kSingle;
        candidate_[bond.begin] = candidate_[bond.end] = true;
      }
    }
    done_ = kept;
  }
};

}  // namespace

bool kekulize_like_rdkit(Molecule& mol, const RingInfo& rings) {
  std::vector<BondType> before;
  for (const Bond& bond : mol.bonds()) before.push_back(bond.type);
  // Fused systems: rings sharing at least one bond.
  const int num_rings = static_cast<int>(rings.bond_rings.size());
  std::vector<int> system_of(num_rings, -1);
  int num_systems = 0;
  for (int start = 0; start < num_rings; ++start) {
    if (system_of[start] >= 0) continue;
    std::vector<int> stack = {start};
    system_of[start] = num_systems;
    while (!stack.empty()) {
      const int r = stack.back();
      stack.pop_back();
      for (int other = 0; other < num_rings; ++other) {
        if (system_of[other] >= 0) continue;
        const bool shares_bond = std::any_of(rings.bond_rings[r].begin(), rings.bond_rings[r].end(),
                                             [&](int b) { return contains(rings.bond_rings[other], b); });
        if (shares_bond) {
          system_of[other] = num_systems;
          stack.push_back(other);
        }
      }
    }
    ++num_systems;
  }
  for (int system = 0; system < num_systems; ++system) {
    std::vector<int> atoms;
    for (int r = 0; r < num_rings; ++r) {
      if (system_of[r] != system) continue;
      for (int a : rings.atom_rings[r]) {
        if (!contains(atoms, a)) atoms.push_back(a);
      }
    }
    if (!FusedSystemKekulizer(mol, atoms).run()) {
      for (int b = 0; b < mol.num_bonds(); ++b) mol.bond(b).type = before[b];
      return false;
    }
  }
  return true;
}

}  // namespace nlammr::chem
