#include "chem/cip_ranks.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "chem/element_table.h"

namespace nlammr::chem {
namespace {

// Atomic number, deviation from the most common isotope and atom class,
// packed into one integer (isotope-labelled atoms rank above unlabelled ones
// of the same element when heavier or equal to the common isotope).
std::vector<long long> initial_invariants(const Molecule& mol) {
  std::vector<long long> out;
  for (const Atom& atom : mol.atoms) {
    constexpr int kMassBits = 10;
    constexpr int kMaxMass = 1 << kMassBits;
    int mass = 0;
    if (atom.isotope > 0) {
      mass = atom.isotope - element_data(atom.atomic_num).common_isotope;
      if (mass >= 0) mass += 1;
    }
    mass += kMaxMass / 2;
    mass = mass < 0 ? 0 : mass % kMaxMass;
    long long invariant = atom.atomic_num % 128;
    invariant = (invariant << kMassBits) | mass;
    invariant = (invariant << 10) | ((atom.map_number + 1) % 1024);
    out.push_back(invariant);
  }
  return out;
}

// How often a neighbour's rank is repeated in an atom's ranking entry: twice
// the bond order (aromatic = 3), except 1 for a double bond to a three- or
// four-coordinate P (its d-orbital "double bond" is not counted).
int neighbour_weight(const Molecule& mol, int bond, int neighbour) {
  const Bond& b = mol.bond(bond);
  if (b.type == BondType::kDouble && mol.atoms[neighbour].atomic_num == 15 &&
      (mol.degree(neighbour) == 3 || mol.degree(neighbour) == 4)) {
    return 1;
  }
  return twice_bond_order(b.type);
}

struct RankEntry {
  std::vector<int> key;
  int atom;
  int rank = 0;
};

// Dense ranks over `entries` (already sorted); returns the tied ranges.
std::vector<std::pair<int, int>> assign_dense_ranks(std::vector<RankEntry>& entries, int& num_ranks) {
  std::vector<std::pair<int, int>> ties;
  int rank = 0;
  entries[0].rank = 0;
  bool in_tie = false;
  for (size_t i = 1; i < entries.size(); ++i) {
    if (entries[i].key == entries[i - 1].key) {
      entries[i].rank = rank;
      if (!in_tie) {
        ties.emplace_back(static_cast<int>(i) - 1, -1);
        in_tie = true;
      }
    } else {
      entries[i].rank = ++rank;
      if (in_tie) {
        ties.back().second = static_cast<int>(i) - 1;
        in_tie = false;
      }
    }
  }
  if (in_tie) ties.back().second = static_cast<int>(entries.size()) - 1;
  num_ranks = rank + 1;
  return ties;
}

// Refines ranks: each round appends to every atom's entry its neighbours'
// ranks (highest first, repeated by bond weight) and a 0 per hydrogen, then
// re-sorts the tied groups; stops when no group splits.
void iterate_ranks(const Molecule& mol, const std::vector<long long>& invariants, bool seed_with_invariants,
                   std::vector<int>& ranks) {
  const int n = mol.num_atoms();
  ranks.assign(n, 0);
  if (n == 0) return;
  std::vector<RankEntry> entries(n);
  for (int i = 0; i < n; ++i) entries[i] = {{static_cast<int>(invariants[i])}, i, 0};
  auto sort_range = [&](int first, int last) {
    std::sort(entries.begin() + first, entries.begin() + last + 1,
              [](const RankEntry& a, const RankEntry& b) { return a.key < b.key; });
  };
  auto copy_ranks = [&] {
    for (const RankEntry& e : entries) ranks[e.atom] = e.rank;
  };
  sort_range(0, n - 1);
  int num_ranks = 0;
  std::vector<std::pair<int, int>> ties = assign_dense_ranks(entries, num_ranks);
  copy_ranks();
  if (!seed_with_invariants) {
    for (RankEntry& e : entries) e.key = {mol.atoms[e.atom].atomic_num, ranks[e.atom]};
  }
  const size_t rank_position = seed_with_invariants ? 1 : 2;

  std::vector<int> position(n);
  const int max_iterations = n / 2 + 1;
  int last_num_ranks = -1;
  for (int iteration = 0; !ties.empty() && iteration < max_iterations && last_num_ranks < num_ranks;
       ++iteration) {
    for (int i = 0; i < n; ++i) position[entries[i].atom] = i;
    for (int a = 0; a < n; ++a) {
      std::vector<std::pair<int, int>> neighbours;  // (rank, weight)
      for (int b : mol.atom_bonds(a)) {
        const int other = mol.bond(b).other(a);
        neighbours.emplace_back(ranks[other], neighbour_weight(mol, b, other));
      }
      std::stable_sort(neighbours.begin(), neighbours.end(),
                       [](const auto& x, const auto& y) { return x.first > y.first; });
      std::vector<int>& key = entries[position[a]].key;
      for (const auto& [rank, weight] : neighbours) key.insert(key.end(), weight, rank + 1);
      key.insert(key.end(), mol.atoms[a].total_hs(), 0);
    }
    last_num_ranks = num_ranks;
    for (const auto& [first, last] : ties) sort_range(first, last);
    ties = assign_dense_ranks(entries, num_ranks);
    copy_ranks();
    if (last_num_ranks != num_ranks) {
      for (RankEntry& e : entries) {
        e.key.resize(rank_position + 1);
        e.key[rank_position] = ranks[e.atom];
      }
    }
  }
}

}  // namespace

std::vector<int> legacy_cip_ranks(const Molecule& mol) {
  std::vector<int> ranks;
  iterate_ranks(mol, initial_invariants(mol), false, ranks);
  return ranks;
}

void rerank_with_labels(const Molecule& mol, std::vector<int>& ranks) {
  long long factor = 100;
  while (factor < mol.num_atoms()) factor *= 10;
  std::vector<long long> invariants(mol.num_atoms());
  for (int a = 0; a < mol.num_atoms(); ++a) {
    long long value = ranks[a] * factor;
    if (mol.atoms[a].cip_code == 'S') value += 10;
    if (mol.atoms[a].cip_code == 'R') value += 20;
    for (int b : mol.atom_bonds(a)) {
      const Bond& bond = mol.bond(b);
      if (bond.type != BondType::kDouble) continue;
      if (bond.stereo == BondStereo::kE) value += 1;
      if (bond.stereo == BondStereo::kZ) value += 2;
    }
    invariants[a] = value;
  }
  iterate_ranks(mol, invariants, true, ranks);
}

}  // namespace nlammr::chem
