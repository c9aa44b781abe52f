// The legacy CIP ranking computed straight from its definition: every round
// re-sorts every tied class by the full entries of all its atoms. Quadratic
// on chains, and so only a reference for the refinement in mol_cip_ranks.cpp.
#pragma once

#include <algorithm>
#include <utility>
#include <vector>

#include "chem/cip_ranks.h"

namespace nlammr::testing {

inline std::vector<int> dense_ranks_of(const std::vector<std::vector<long long>>& keys) {
  std::vector<int> order(keys.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::sort(order.begin(), order.end(), [&](int a, int b) { return keys[a] < keys[b]; });
  std::vector<int> ranks(keys.size());
  int rank = -1;
  for (size_t i = 0; i < order.size(); ++i) {
    if (i == 0 || keys[order[i]] != keys[order[i - 1]]) ++rank;
    ranks[order[i]] = rank;
  }
  return ranks;
}

inline int count_distinct(const std::vector<int>& ranks) {
  return ranks.empty() ? 0 : *std::max_element(ranks.begin(), ranks.end()) + 1;
}

inline std::vector<int> cip_ranks_by_definition(const chem::Molecule& mol, const std::vector<long long>& invariants) {
  const int n = mol.num_atoms();
  std::vector<std::vector<long long>> keys(n);
  for (int a = 0; a < n; ++a) keys[a] = {invariants[a]};
  std::vector<int> ranks = dense_ranks_of(keys);
  for (int round = 0; round < n / 2 + 1 && count_distinct(ranks) < n; ++round) {
    for (int a = 0; a < n; ++a) {
      std::vector<std::pair<int, int>> neighbours;  // (rank, weight)
      for (int b : mol.atom_bonds(a)) {
        const int other = mol.bond(b).other(a);
        neighbours.emplace_back(ranks[other], chem::cip_neighbour_weight(mol, b, other));
      }
      std::sort(neighbours.begin(), neighbours.end(), [](auto x, auto y) { return x.first > y.first; });
      keys[a] = {ranks[a]};
      for (auto [rank, weight] : neighbours) keys[a].insert(keys[a].end(), weight, rank + 1);
      keys[a].insert(keys[a].end(), mol.atoms[a].total_hs(), 0);
    }
    std::vector<int> refined = dense_ranks_of(keys);
    const bool split = count_distinct(refined) > count_distinct(ranks);
    ranks = std::move(refined);
    if (!split) break;
  }
  return ranks;
}

}  // namespace nlammr::testing
