#include "chem/stereo.h"

#include <algorithm>
#include <deque>
#include <set>
#include <utility>
#include <vector>

#include "chem/cip_ranks.h"
#include "chem/valence.h"

namespace nlammr::chem {
namespace {

constexpr int kMinRingSizeForDoubleBondStereo = 8;

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

const DirectedNeighbour& highest_ranked(const std::vector<DirectedNeighbour>& side,
                                        const std::vector<int>& ranks) {
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

bool is_ring_stereo_candidate(const Molecule& mol, const RingInfo& rings, int a,
                              const std::vector<int>& ranks) {
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
      return (inside.size() == 4 && inside_ranks.size() == 3) ||
             (inside.size() == 3 && inside_ranks.size() == 2);
    default: return false;
  }
}

// Marked ring atoms without a CIP code that pair with another such atom of
// the same ring system (found by a breadth-first walk along ring bonds).
std::vector<bool> find_ring_stereo_atoms(const Molecule& mol, const RingInfo& rings,
                                         const std::vector<int>& ranks) {
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
