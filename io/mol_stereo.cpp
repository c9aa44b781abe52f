#include "io/mol_stereo.h"

#include <algorithm>
#include <deque>
#include <set>
#include <utility>
#include <vector>

#include "io/mol_element_table.h"
#include "io/mol_hybridization.h"
#include "io/mol_valence.h"

namespace nlammr::chem {
namespace {

constexpr int kMinRingSizeForDoubleBondStereo = 8;

// ---------------------------------------------------------------------------
// Ranking
// ---------------------------------------------------------------------------

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

// Ranks refined by the stereo labels found so far: R above S above none,
// and per double bond Z above E.
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

// ---------------------------------------------------------------------------
// Stereocentres
// ---------------------------------------------------------------------------

bool has_conjugated_bond(const Molecule& mol, int a) {
  for (int b : mol.atom_bonds(a)) {
    if (mol.bond(b).conjugated) return true;
  }
  return false;
}

bool has_protium_neighbour(const Molecule& mol, int a) {
  for (int b : mol.atom_bonds(a)) {
    const Atom& nbr = mol.atoms[mol.bond(b).other(a)];
    if (nbr.atomic_num == 1 && nbr.isotope == 0) return true;
  }
  return false;
}

// Could the atom be a tetrahedral stereocentre, judging by its coordination?
bool is_legal_center(const Molecule& mol, const RingInfo& rings, int a) {
  const Atom& atom = mol.atoms[a];
  const int degree = mol.degree(a);
  const int with_hs = degree + atom.total_hs();
  if (with_hs > 4 || with_hs < 3) return false;
  // Fewer than three neighbours: only phosphines and arsines (as InChI).
  if (degree < 3) return atom.atomic_num == 15 || atom.atomic_num == 33;
  if (degree == 4) return true;
  if (atom.total_hs() == 1) return !has_protium_neighbour(mol, a);
  // Three neighbours and a lone pair.
  switch (atom.atomic_num) {
    case 7:  // sp3 N in a three-membered ring or at a bridgehead
      return atom.hybridization == Hybridization::kSP3 && !has_conjugated_bond(mol, a) &&
             (rings.atom_in_ring_of_size(a, 3) || rings.is_bridgehead(mol, a));
    case 15:
    case 33: return true;
    case 16:
    case 34:  // sulfoxides and sulfonium ions (and Se)
      return atom.explicit_valence == 4 || (atom.explicit_valence == 3 && atom.formal_charge == 1);
    default: return false;
  }
}

bool neighbours_rank_differently(const Molecule& mol, int a, const std::vector<int>& ranks) {
  std::set<int> seen;
  for (int b : mol.atom_bonds(a)) {
    if (!seen.insert(ranks[mol.bond(b).other(a)]).second) return false;
  }
  return true;
}

struct RoundResult {
  bool unassigned = false;  // legal centres or stereo bonds still without a label
  bool changed = false;     // labels set in this round
};

// R or S for each marked centre with distinct neighbour ranks: the mark,
// re-expressed for neighbours in increasing rank order (hydrogen first).
RoundResult assign_atom_labels(Molecule& mol, const RingInfo& rings, const std::vector<int>& ranks) {
  RoundResult result;
  int unassigned = 0;
  for (int a = 0; a < mol.num_atoms(); ++a) {
    Atom& atom = mol.atoms[a];
    if (atom.cip_code != 0) continue;
    if (!is_legal_center(mol, rings, a)) continue;
    ++unassigned;
    if (!neighbours_rank_differently(mol, a, ranks) || atom.chiral_tag == ChiralTag::kUnspecified) continue;
    --unassigned;
    result.changed = true;
    std::vector<std::pair<int, int>> by_rank;  // (rank, bond)
    for (int b : mol.atom_bonds(a)) by_rank.emplace_back(ranks[mol.bond(b).other(a)], b);
    std::stable_sort(by_rank.begin(), by_rank.end(),
                     [](const auto& x, const auto& y) { return x.first < y.first; });
    std::vector<int> rank_order;
    for (const auto& entry : by_rank) rank_order.push_back(entry.second);
    int swaps = permutation_parity(mol.atom_bonds(a), rank_order);
    if (rank_order.size() == 3 && atom.total_hs() == 1) ++swaps;
    ChiralTag tag = atom.chiral_tag;
    if (swaps % 2 != 0) {
      tag = tag == ChiralTag::kTetrahedralCCW ? ChiralTag::kTetrahedralCW : ChiralTag::kTetrahedralCCW;
    }
    atom.cip_code = tag == ChiralTag::kTetrahedralCCW ? 'S' : 'R';
  }
  result.unassigned = unassigned > 0;
  return result;
}

// ---------------------------------------------------------------------------
// Double bonds
// ---------------------------------------------------------------------------

bool should_detect_double_bond_stereo(const RingInfo& rings, int bond) {
  return !rings.bond_in_ring(bond) || rings.min_bond_ring_size(bond) >= kMinRingSizeForDoubleBondStereo;
}

bool is_directional(BondDir dir) { return dir == BondDir::kEndUpRight || dir == BondDir::kEndDownRight; }

BondDir flipped(BondDir dir) {
  return dir == BondDir::kEndUpRight ? BondDir::kEndDownRight : BondDir::kEndUpRight;
}

struct DirectedNeighbour {
  int atom;
  BondDir dir;
};

// The other neighbours of a double-bond atom with their '/' '\' directions,
// seen from this atom. Empty if no direction is set or the two neighbours
// rank equally; a missing direction is taken as the opposite of the other.
std::vector<DirectedNeighbour> directed_neighbours(const Molecule& mol, int atom, int double_bond,
                                                   const std::vector<int>& ranks) {
  std::vector<DirectedNeighbour> out;
  bool seen_direction = false;
  for (int b : mol.atom_bonds(atom)) {
    if (b == double_bond) continue;
    const Bond& bond = mol.bond(b);
    BondDir dir = bond.dir;
    if (is_directional(dir)) {
      seen_direction = true;
      if (bond.begin != atom) dir = flipped(dir);
    }
    out.push_back({bond.other(atom), dir});
  }
  if (!seen_direction) return {};
  if (out.size() == 2 && ranks[out[0].atom] == ranks[out[1].atom]) return {};
  if (!is_directional(out[0].dir)) {
    out[0].dir = flipped(out[1].dir);
  } else if (out.size() > 1 && !is_directional(out[1].dir)) {
    out[1].dir = flipped(out[0].dir);
  }
  return out;
}

const DirectedNeighbour& highest_ranked(const std::vector<DirectedNeighbour>& side, const std::vector<int>& ranks) {
  if (side.size() == 1 || ranks[side[0].atom] > ranks[side[1].atom]) return side[0];
  return side[1];
}

RoundResult assign_bond_labels(Molecule& mol, const RingInfo& rings, const std::vector<int>& ranks) {
  RoundResult result;
  int unassigned = 0;
  std::vector<int> directions_to_clear;
  for (int b = 0; b < mol.num_bonds(); ++b) {
    Bond& bond = mol.bond(b);
    if (bond.type != BondType::kDouble || bond.stereo != BondStereo::kNone) continue;
    if (!should_detect_double_bond_stereo(rings, b)) continue;
    const int begin_degree = mol.degree(bond.begin), end_degree = mol.degree(bond.end);
    if (begin_degree < 2 || begin_degree > 3 || end_degree < 2 || end_degree > 3) continue;
    ++unassigned;
    const auto begin_side = directed_neighbours(mol, bond.begin, b, ranks);
    const auto end_side = directed_neighbours(mol, bond.end, b, ranks);
    if (begin_side.empty() || end_side.empty()) continue;
    const bool begin_conflict = begin_side.size() == 2 && begin_side[0].dir == begin_side[1].dir;
    const bool end_conflict = end_side.size() == 2 && end_side[0].dir == end_side[1].dir;
    if (begin_conflict || end_conflict) {
      // Contradictory marks (both neighbours on one side the same way): no
      // stereo, and the marks are dropped, as RDKit does with a warning.
      bond.stereo = BondStereo::kNone;
      if (begin_conflict) {
        for (const auto& n : begin_side) directions_to_clear.push_back(mol.bond_between(n.atom, bond.begin));
      }
      if (end_conflict) {
        for (const auto& n : end_side) directions_to_clear.push_back(mol.bond_between(n.atom, bond.end));
      }
    } else {
      // Directions are relative to the double-bond atoms: equal means both
      // top neighbours on the same side.
      const bool same = highest_ranked(begin_side, ranks).dir == highest_ranked(end_side, ranks).dir;
      bond.stereo = same ? BondStereo::kZ : BondStereo::kE;
    }
    result.changed = true;
    --unassigned;
  }
  for (int b : directions_to_clear) mol.bond(b).dir = BondDir::kNone;
  result.unassigned = unassigned > 0;
  return result;
}

// ---------------------------------------------------------------------------
// Ring stereochemistry (cis/trans across a ring, e.g. 1,4-disubstituted
// cyclohexanes, whose centres have two equally ranked ring neighbours)
// ---------------------------------------------------------------------------

bool is_ring_stereo_candidate(const Molecule& mol, const RingInfo& rings, int a, const std::vector<int>& ranks) {
  if (!rings.atom_in_ring(a)) return false;
  const Atom& atom = mol.atoms[a];
  if (atom.atomic_num == 7 && mol.total_degree(a) == 3 && !rings.atom_in_ring_of_size(a, 3) &&
      !rings.is_bridgehead(mol, a)) {
    return false;
  }
  std::vector<int> outside, inside;
  std::set<int> inside_ranks;
  for (int b : mol.atom_bonds(a)) {
    const int other = mol.bond(b).other(a);
    if (rings.bond_in_ring(b)) {
      inside.push_back(other);
      inside_ranks.insert(ranks[other]);
    } else {
      outside.push_back(other);
    }
  }
  switch (outside.size()) {
    case 2: return ranks[outside[0]] != ranks[outside[1]] && inside.size() != inside_ranks.size();
    case 1: return inside.size() > inside_ranks.size();
    case 0:
      return (inside.size() == 4 && inside_ranks.size() == 3) || (inside.size() == 3 && inside_ranks.size() == 2);
    default: return false;
  }
}

// Marked ring atoms without a CIP code that pair with another such atom of
// the same ring system (found by a breadth-first walk along ring bonds).
std::vector<bool> find_ring_stereo_atoms(const Molecule& mol, const RingInfo& rings, const std::vector<int>& ranks) {
  const int n = mol.num_atoms();
  std::vector<bool> keeps(n, false), seen(n, false), queued(n, false);
  std::vector<bool> bond_seen(mol.num_bonds(), false);
  auto qualifies = [&](int a) {
    return mol.atoms[a].chiral_tag != ChiralTag::kUnspecified && mol.atoms[a].cip_code == 0 &&
           is_ring_stereo_candidate(mol, rings, a, ranks);
  };
  for (int root = 0; root < n; ++root) {
    if (seen[root] || !rings.atom_in_ring(root) || !qualifies(root)) continue;
    std::deque<int> next;
    for (int b : mol.atom_bonds(root)) {
      if (bond_seen[b]) continue;
      bond_seen[b] = true;
      const int other = mol.bond(b).other(root);
      if (rings.bond_in_ring(b) && !seen[other]) {
        next.push_back(other);
        queued[other] = true;
      }
    }
    bool paired = false;
    while (!next.empty()) {
      const int a = next.front();
      next.pop_front();
      seen[a] = true;
      if (qualifies(a)) {
        keeps[a] = true;
        paired = true;
      }
      for (int b : mol.atom_bonds(a)) {
        if (bond_seen[b]) continue;
        bond_seen[b] = true;
        const int other = mol.bond(b).other(a);
        if (rings.bond_in_ring(b) && !seen[other] && !queued[other]) {
          next.push_back(other);
          queued[other] = true;
        }
      }
    }
    if (paired) keeps[root] = true;
    seen[root] = true;
  }
  return keeps;
}

// RDKit drops the bracket hydrogen of an uncharged, non-aromatic atom whose
// chirality mark was removed, recomputing its hydrogens as implicit ones.
void release_bracket_hydrogen(Molecule& mol, int a) {
  Atom& atom = mol.atoms[a];
  if (atom.explicit_hs != 1 || atom.formal_charge != 0 || atom.aromatic) return;
  atom.explicit_hs = 0;
  atom.no_implicit = false;
  atom.explicit_valence = explicit_valence(mol, a, false);
  atom.implicit_hs = implicit_valence(mol, a, atom.explicit_valence, false);
}

}  // namespace

std::vector<int> legacy_cip_ranks(const Molecule& mol) {
  std::vector<int> ranks;
  iterate_ranks(mol, initial_invariants(mol), false, ranks);
  return ranks;
}

void perceive_stereo(Molecule& mol, const RingInfo& rings) {
  // The flags below follow RDKit's bookkeeping exactly (including which atoms
  // and bonds it looks at), since they decide how many rounds run.
  bool has_marked_atoms = false, has_potential_atoms = false;
  for (int a = 0; a < mol.num_atoms(); ++a) {
    mol.atoms[a].cip_code = 0;
    if (!has_marked_atoms && mol.atoms[a].chiral_tag != ChiralTag::kUnspecified) {
      has_marked_atoms = true;
    } else if (!has_potential_atoms) {
      has_potential_atoms = is_legal_center(mol, rings, a);
    }
  }
  bool has_directed_bonds = false, has_potential_bonds = false;
  for (int b = 0; b < mol.num_bonds(); ++b) {
    Bond& bond = mol.bond(b);
    bond.stereo = BondStereo::kNone;
    if (bond.type != BondType::kDouble || has_directed_bonds) continue;
    const bool detectable = should_detect_double_bond_stereo(rings, b);
    if (!detectable) continue;
    bool directed = false;
    for (int end : {bond.begin, bond.end}) {
      for (int nb : mol.atom_bonds(end)) directed |= is_directional(mol.bond(nb).dir);
    }
    has_directed_bonds = directed;
    if (!directed) has_potential_bonds = true;
  }

  // RDKit parses with "flag possible stereocentres" on, so the rounds run
  // whenever a centre or a stereo bond is possible.
  std::vector<int> ranks = legacy_cip_ranks(mol);
  bool keep_going = has_marked_atoms || has_directed_bonds || has_potential_atoms || has_potential_bonds;
  bool atoms_pending = has_marked_atoms, bonds_pending = has_directed_bonds;
  while (keep_going) {
    RoundResult atoms, bonds;
    if (atoms_pending || has_potential_atoms) atoms = assign_atom_labels(mol, rings, ranks);
    if (bonds_pending || has_potential_bonds) bonds = assign_bond_labels(mol, rings, ranks);
    atoms_pending = atoms.unassigned;
    bonds_pending = bonds.unassigned;
    keep_going = (atoms_pending || bonds_pending) && (atoms.changed || bonds.changed);
    if (keep_going) rerank_with_labels(mol, ranks);
  }

  const std::vector<bool> ring_stereo = find_ring_stereo_atoms(mol, rings, ranks);
  for (int a = 0; a < mol.num_atoms(); ++a) {
    Atom& atom = mol.atoms[a];
    if (atom.chiral_tag == ChiralTag::kUnspecified || atom.cip_code != 0 || ring_stereo[a]) continue;
    atom.chiral_tag = ChiralTag::kUnspecified;
    release_bracket_hydrogen(mol, a);
  }
}

}  // namespace nlammr::chem
