#include "chem/cip_ranks.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "chem/element_table.h"

namespace nlammr::chem {

std::vector<long long> cip_initial_invariants(const Molecule& mol) {
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

int cip_neighbour_weight(const Molecule& mol, int bond, int neighbour) {
  const Bond& b = mol.bond(bond);
  if (b.type == BondType::kDouble && mol.atoms[neighbour].atomic_num == 15 &&
      (mol.degree(neighbour) == 3 || mol.degree(neighbour) == 4)) {
    return 1;
  }
  return twice_bond_order(b.type);
}

namespace {

// Partition refinement in rounds, exactly as RDKit's legacy ranking does it:
// round r splits every class of atoms by their entries under the classes of
// round r - 1 and orders the parts by entry; it stops after a round that
// splits nothing, or after n/2 + 1 rounds.
//
// Re-sorting every tied class each round costs O(n log n) per round and a
// chain needs n/2 rounds. Here a round only looks at the atoms next to an
// atom whose class changed in the round before: two atoms of one class with
// no such neighbour still have equal entries. And of the parts a class splits
// into, one largest part counts as unchanged (its atoms' neighbours can tell
// it apart from the others by the others alone), so each atom is counted as
// changed O(log n) times and the whole refinement is O(m log^2 n) for m bonds.
class RankRefinement {
 public:
  RankRefinement(const Molecule& mol, const std::vector<long long>& invariants)
      : mol_(mol), n_(mol.num_atoms()), order_(n_), position_(n_), class_of_(n_), touched_stamp_(n_, -1) {
    for (int a = 0; a < n_; ++a) order_[a] = a;
    std::stable_sort(order_.begin(), order_.end(), [&](int x, int y) { return invariants[x] < invariants[y]; });
    for (int i = 0; i < n_; ++i) {
      position_[order_[i]] = i;
      if (i == 0 || invariants[order_[i]] != invariants[order_[i - 1]]) classes_.push_back({i, 0});
      ++classes_.back().size;
      class_of_[order_[i]] = static_cast<int>(classes_.size()) - 1;
    }
  }

  void run() {
    const int max_rounds = n_ / 2 + 1;
    bool first = true;
    for (int round = 0; round < max_rounds && static_cast<int>(classes_.size()) < n_; ++round) {
      if (!refine_round(first)) break;
      first = false;
    }
  }

  // Dense ranks: the index of each atom's class in class order.
  std::vector<int> ranks() const {
    std::vector<int> out(n_);
    int rank = -1;
    for (int i = 0; i < n_; ++i) {
      if (i == 0 || class_of_[order_[i]] != class_of_[order_[i - 1]]) ++rank;
      out[order_[i]] = rank;
    }
    return out;
  }

 private:
  struct Class {
    int start;
    int size;
  };
  struct Examined {
    int atom;
    std::vector<int> entry;
  };
  struct ClassWork {
    int cls;
    int touched;  // the class's touched atoms sit at its first `touched` positions
    bool has_representative;  // the atom right after them stands for all untouched ones
    std::vector<Examined> examined;
  };

  // An atom's entry for this round: its neighbours' labels + 1, highest
  // first, each repeated by the bond's weight, then a 0 per hydrogen. Entries
  // compare lexicographically, and any labels that order the classes as
  // their ranks do give the same comparisons: the classes' start positions.
  std::vector<int> neighbour_entry(int atom) const {
    std::vector<std::pair<int, int>> neighbours;  // (label, weight)
    for (int b : mol_.atom_bonds(atom)) {
      const int other = mol_.bond(b).other(atom);
      neighbours.emplace_back(classes_[class_of_[other]].start, cip_neighbour_weight(mol_, b, other));
    }
    std::sort(neighbours.begin(), neighbours.end(), [](const auto& x, const auto& y) { return x.first > y.first; });
    std::vector<int> entry;
    for (const auto& [label, weight] : neighbours) entry.insert(entry.end(), weight, label + 1);
    entry.insert(entry.end(), mol_.atoms[atom].total_hs(), 0);
    return entry;
  }

  void place(int atom, int index) {
    order_[index] = atom;
    position_[atom] = index;
  }

  // The classes to look at this round, with their touched atoms moved to the
  // front of their ranges (the first round touches every tied class whole).
  std::vector<ClassWork> gather(bool first) {
    std::vector<std::pair<int, int>> touched;  // (class, atom)
    ++stamp_;
    auto touch = [&](int atom) {
      if (touched_stamp_[atom] == stamp_ || classes_[class_of_[atom]].size < 2) return;
      touched_stamp_[atom] = stamp_;
      touched.emplace_back(class_of_[atom], atom);
    };
    if (first) {
      for (int a = 0; a < n_; ++a) touch(a);
    } else {
      for (int a : changed_) {
        for (int b : mol_.atom_bonds(a)) touch(mol_.bond(b).other(a));
      }
    }
    std::sort(touched.begin(), touched.end());
    std::vector<ClassWork> work;
    for (size_t i = 0; i < touched.size();) {
      const int cls = touched[i].first;
      const Class& range = classes_[cls];
      ClassWork w{cls, 0, false, {}};
      for (; i < touched.size() && touched[i].first == cls; ++i) {
        const int atom = touched[i].second;
        const int front = range.start + w.touched++;
        const int displaced = order_[front];
        const int from = position_[atom];
        place(displaced, from);
        place(atom, front);
      }
      w.has_representative = w.touched < range.size;
      work.push_back(std::move(w));
    }
    return work;
  }

  // One round; false when no class split.
  bool refine_round(bool first) {
    std::vector<ClassWork> work = gather(first);
    // Every entry is computed under the classes as the previous round left
    // them, before any class of this round is split.
    for (ClassWork& w : work) {
      const Class range = classes_[w.cls];
      const int examined = w.touched + (w.has_representative ? 1 : 0);
      for (int i = 0; i < examined; ++i) {
        const int atom = order_[range.start + i];
        w.examined.push_back({atom, neighbour_entry(atom)});
      }
    }
    changed_.clear();
    bool split_any = false;
    for (ClassWork& w : work) split_any |= split(w);
    return split_any;
  }

  // Splits one class by the entries of its examined atoms; false if they are
  // all equal.
  bool split(ClassWork& w) {
    const int representative = w.has_representative ? w.examined.back().atom : -1;
    std::stable_sort(w.examined.begin(), w.examined.end(),
                     [](const Examined& x, const Examined& y) { return x.entry < y.entry; });
    std::vector<std::vector<int>> parts;  // touched atoms of each part, in entry order
    int bulk_part = -1;                   // the part of the untouched atoms
    for (size_t i = 0; i < w.examined.size(); ++i) {
      if (i == 0 || w.examined[i].entry != w.examined[i - 1].entry) parts.emplace_back();
      if (w.examined[i].atom == representative) {
        bulk_part = static_cast<int>(parts.size()) - 1;
      } else {
        parts.back().push_back(w.examined[i].atom);
      }
    }
    if (parts.size() == 1) return false;

    const Class old_range = classes_[w.cls];
    const int untouched = old_range.size - w.touched;
    std::vector<int> sizes(parts.size());
    for (size_t p = 0; p < parts.size(); ++p) {
      sizes[p] = static_cast<int>(parts[p].size()) + (static_cast<int>(p) == bulk_part ? untouched : 0);
    }
    lay_out(old_range, parts, bulk_part, untouched);

    // The largest part keeps the class's record (and counts as unchanged);
    // the others become new classes whose atoms changed.
    const int largest = static_cast<int>(std::max_element(sizes.begin(), sizes.end()) - sizes.begin());
    int start = old_range.start;
    for (size_t p = 0; p < parts.size(); ++p) {
      int cls = w.cls;
      if (static_cast<int>(p) != largest) {
        cls = static_cast<int>(classes_.size());
        classes_.push_back({});
        for (int i = start; i < start + sizes[p]; ++i) {
          class_of_[order_[i]] = cls;
          changed_.push_back(order_[i]);
        }
      }
      classes_[cls] = {start, sizes[p]};
      start += sizes[p];
    }
    return true;
  }

  // Arranges the class's range as its parts in order. The untouched atoms
  // (those after the touched ones) move only when fewer of them stay in
  // place than there are touched atoms, so the cost follows the touched ones.
  void lay_out(const Class& range, const std::vector<std::vector<int>>& parts, int bulk_part, int untouched) {
    int touched_after = 0;
    for (size_t p = bulk_part < 0 ? parts.size() : bulk_part + 1; p < parts.size(); ++p) {
      touched_after += static_cast<int>(parts[p].size());
    }
    const int end = range.start + range.size;
    int index = range.start;
    if (bulk_part < 0 || untouched < touched_after) {
      std::vector<int> bulk(order_.begin() + (end - untouched), order_.begin() + end);
      for (size_t p = 0; p < parts.size(); ++p) {
        for (int atom : parts[p]) place(atom, index++);
        if (static_cast<int>(p) == bulk_part) {
          for (int atom : bulk) place(atom, index++);
        }
      }
      return;
    }
    // Untouched atoms from the end of the range fill the touched slots the
    // parts after the bulk leave free; those parts take the range's end.
    std::vector<int> moved_untouched(order_.begin() + (end - touched_after), order_.begin() + end);
    for (int p = 0; p <= bulk_part; ++p) {
      for (int atom : parts[p]) place(atom, index++);
    }
    for (int atom : moved_untouched) place(atom, index++);
    index = end - touched_after;
    for (size_t p = bulk_part + 1; p < parts.size(); ++p) {
      for (int atom : parts[p]) place(atom, index++);
    }
  }

  const Molecule& mol_;
  const int n_;
  std::vector<int> order_;     // atoms, class by class in rank order
  std::vector<int> position_;  // index of each atom in order_
  std::vector<int> class_of_;
  std::vector<Class> classes_;
  std::vector<int> changed_;  // atoms whose class changed in the last round
  std::vector<int> touched_stamp_;
  int stamp_ = 0;
};

}  // namespace

std::vector<int> refine_cip_ranks(const Molecule& mol, const std::vector<long long>& invariants) {
  RankRefinement refinement(mol, invariants);
  refinement.run();
  return refinement.ranks();
}

std::vector<int> legacy_cip_ranks(const Molecule& mol) {
  return refine_cip_ranks(mol, cip_initial_invariants(mol));
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
  ranks = refine_cip_ranks(mol, invariants);
}

}  // namespace nlammr::chem
