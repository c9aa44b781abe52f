#include "chem/rings.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <queue>
#include <stdexcept>
#include <string>

namespace nlammr::chem {
namespace {

// A cycle as a set of bonds (a vector over GF(2)) plus its atoms in order.
struct Cycle {
  std::vector<std::uint64_t> bonds;
  std::vector<int> atoms;
  int size() const { return static_cast<int>(atoms.size()); }
};

using BitRow = std::vector<std::uint64_t>;

BitRow empty_row(int num_bonds) { return BitRow((num_bonds + 63) / 64, 0); }
void set_bit(BitRow& row, int bit) { row[bit / 64] |= std::uint64_t{1} << (bit % 64); }
bool test_bit(const BitRow& row, int bit) { return (row[bit / 64] >> (bit % 64)) & 1U; }
bool is_zero(const BitRow& row) {
  return std::all_of(row.begin(), row.end(), [](std::uint64_t w) { return w == 0; });
}
int lowest_bit(const BitRow& row) {
  for (size_t w = 0; w < row.size(); ++w) {
    if (row[w] != 0) return static_cast<int>(w * 64) + __builtin_ctzll(row[w]);
  }
  return -1;
}

// Gaussian elimination over GF(2), one pivot bit per stored row.
class Gf2Basis {
 public:
  // Reduces `row` by the basis; returns true (and keeps it) if independent.
  bool insert(BitRow row) {
    reduce(row);
    if (is_zero(row)) return false;
    pivots_.push_back(lowest_bit(row));
    rows_.push_back(std::move(row));
    return true;
  }
  bool independent(BitRow row) const {
    reduce(row);
    return !is_zero(row);
  }
  int rank() const { return static_cast<int>(rows_.size()); }

 private:
  std::vector<BitRow> rows_;
  std::vector<int> pivots_;

  void reduce(BitRow& row) const {
    // Each stored row has its pivot as lowest bit and no other row's pivot
    // is cleared by it, so one pass in insertion order suffices.
    for (size_t i = 0; i < rows_.size(); ++i) {
      if (test_bit(row, pivots_[i])) {
        for (size_t w = 0; w < row.size(); ++w) row[w] ^= rows_[i][w];
      }
    }
  }
};

// Bonds on no cycle (bridges), by the classic depth-first lowlink test.
std::vector<bool> find_ring_bonds(const Molecule& mol) {
  const int n = mol.num_atoms();
  std::vector<int> order(n, -1), low(n, 0);
  std::vector<bool> in_ring(mol.num_bonds(), true);
  int counter = 0;
  // Iterative DFS: (atom, bond used to enter it, next position in its bond list).
  struct Frame { int atom; int via; size_t next; };
  for (int root = 0; root < n; ++root) {
    if (order[root] >= 0) continue;
    std::vector<Frame> stack = {{root, -1, 0}};
    order[root] = low[root] = counter++;
    while (!stack.empty()) {
      Frame& frame = stack.back();
      const auto& bonds = mol.atom_bonds(frame.atom);
      if (frame.next < bonds.size()) {
        const int b = bonds[frame.next++];
        if (b == frame.via) continue;
        const int other = mol.bond(b).other(frame.atom);
        if (order[other] < 0) {
          order[other] = low[other] = counter++;
          stack.push_back({other, b, 0});
        } else {
          low[frame.atom] = std::min(low[frame.atom], order[other]);
        }
      } else {
        const Frame done = frame;
        stack.pop_back();
        if (!stack.empty()) {
          low[stack.back().atom] = std::min(low[stack.back().atom], low[done.atom]);
          if (low[done.atom] > order[stack.back().atom]) in_ring[done.via] = false;
        }
      }
    }
  }
  return in_ring;
}

class RingFinder {
 public:
  RingFinder(const Molecule& mol) : mol_(mol), ring_bond_(find_ring_bonds(mol)) {
    // The ring neighbours of every atom, listed once: the searches below ask
    // for them O(atoms^2) times in a large ring system, and building the
    // list on every call made a 2,000-atom macrocycle take tens of seconds.
    ring_adjacency_.resize(mol_.num_atoms());
    for (int atom = 0; atom < mol_.num_atoms(); ++atom)
      for (int b : mol_.atom_bonds(atom))
        if (ring_bond_[b]) ring_adjacency_[atom].push_back(mol_.bond(b).other(atom));
  }

  RingInfo run() {
    RingInfo info;
    info.rings_of_atom.assign(mol_.num_atoms(), 0);
    info.rings_of_bond.assign(mol_.num_bonds(), 0);
    const int dimension = cycle_space_dimension();
    if (dimension > 0) {
      const std::vector<Cycle> basis = minimum_cycle_basis(dimension);
      int longest = 0;
      for (const Cycle& c : basis) longest = std::max(longest, c.size());
      for (Cycle& c : relevant_cycles(basis, longest)) {
        std::vector<int> bonds;
        for (int i = 0; i < c.size(); ++i) {
          bonds.push_back(mol_.bond_between(c.atoms[i], c.atoms[(i + 1) % c.size()]));
        }
        for (int a : c.atoms) ++info.rings_of_atom[a];
        for (int b : bonds) ++info.rings_of_bond[b];
        info.atom_rings.push_back(std::move(c.atoms));
        info.bond_rings.push_back(std::move(bonds));
      }
    }
    return info;
  }

 private:
  const Molecule& mol_;
  std::vector<bool> ring_bond_;

  std::vector<std::vector<int>> ring_adjacency_;  // by atom, in the order of its bonds

  const std::vector<int>& ring_neighbours(int atom) const { return ring_adjacency_[atom]; }

  // Edges - vertices + components, counted on the ring bonds only.
  int cycle_space_dimension() const {
    std::vector<int> component(mol_.num_atoms(), -1);
    int vertices = 0, edges = 0, components = 0;
    for (int b = 0; b < mol_.num_bonds(); ++b) edges += ring_bond_[b];
    for (int start = 0; start < mol_.num_atoms(); ++start) {
      if (component[start] >= 0 || ring_neighbours(start).empty()) continue;
      std::vector<int> stack = {start};
      component[start] = components;
      while (!stack.empty()) {
        const int a = stack.back();
        stack.pop_back();
        ++vertices;
        for (int other : ring_neighbours(a)) {
          if (component[other] < 0) {
            component[other] = components;
            stack.push_back(other);
          }
        }
      }
      ++components;
    }
    return edges - vertices + components;
  }

  Cycle make_cycle(std::vector<int> atoms) const {
    Cycle c;
    c.bonds = empty_row(mol_.num_bonds());
    for (size_t i = 0; i < atoms.size(); ++i) {
      set_bit(c.bonds, mol_.bond_between(atoms[i], atoms[(i + 1) % atoms.size()]));
    }
    c.atoms = std::move(atoms);
    return c;
  }

  // Horton's candidates (shortest path r..x, edge x-y, shortest path y..r, for
  // every root r and ring edge x-y), shortest first, kept greedily while
  // independent: a minimum cycle basis.
  std::vector<Cycle> minimum_cycle_basis(int dimension) const {
    const int n = mol_.num_atoms();
    std::vector<Cycle> candidates;
    for (int root = 0; root < n; ++root) {
      if (ring_neighbours(root).empty()) continue;
      std::vector<int> dist(n, -1), parent(n, -1);
      std::queue<int> queue;
      dist[root] = 0;
      queue.push(root);
      while (!queue.empty()) {
        const int a = queue.front();
        queue.pop();
        for (int other : ring_neighbours(a)) {
          if (dist[other] < 0) {
            dist[other] = dist[a] + 1;
            parent[other] = a;
            queue.push(other);
          }
        }
      }
      auto path_to_root = [&](int a) {
        std::vector<int> path;
        for (; a >= 0; a = parent[a]) path.push_back(a);
        return path;  // a, ..., root
      };
      for (int b = 0; b < mol_.num_bonds(); ++b) {
        if (!ring_bond_[b]) continue;
        const int x = mol_.bond(b).begin, y = mol_.bond(b).end;
        if (dist[x] < 0 || dist[y] < 0 || parent[x] == y || parent[y] == x) continue;
        std::vector<int> px = path_to_root(x), py = path_to_root(y);
        // The two paths may meet only at the root.
        std::vector<int> sorted_x(px.begin(), px.end() - 1), sorted_y(py.begin(), py.end() - 1);
        std::sort(sorted_x.begin(), sorted_x.end());
        std::sort(sorted_y.begin(), sorted_y.end());
        std::vector<int> common;
        std::set_intersection(sorted_x.begin(), sorted_x.end(), sorted_y.begin(), sorted_y.end(),
                              std::back_inserter(common));
        if (!common.empty()) continue;
        std::vector<int> atoms(px.rbegin(), px.rend());          // root .. x
        atoms.insert(atoms.end(), py.begin(), py.end() - 1);     // y .. (before root)
        candidates.push_back(make_cycle(std::move(atoms)));
      }
    }
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Cycle& a, const Cycle& b) { return a.size() < b.size(); });
    Gf2Basis basis;
    std::vector<Cycle> chosen;
    for (Cycle& c : candidates) {
      if (basis.insert(c.bonds)) chosen.push_back(std::move(c));
      if (basis.rank() == dimension) break;
    }
    return chosen;
  }

  // Every simple cycle up to `longest` atoms that is independent of the
  // basis cycles strictly shorter than itself.
  std::vector<Cycle> relevant_cycles(const std::vector<Cycle>& basis, int longest) const {
    std::vector<Cycle> all = simple_cycles(longest);
    std::stable_sort(all.begin(), all.end(),
                     [](const Cycle& a, const Cycle& b) { return a.size() < b.size(); });
    std::vector<Cycle> relevant;
    Gf2Basis shorter;
    size_t next_basis = 0;
    std::vector<const Cycle*> by_size;
    for (const Cycle& c : basis) by_size.push_back(&c);
    std::stable_sort(by_size.begin(), by_size.end(),
                     [](const Cycle* a, const Cycle* b) { return a->size() < b->size(); });
    for (Cycle& c : all) {
      while (next_basis < by_size.size() && by_size[next_basis]->size() < c.size()) {
        shorter.insert(by_size[next_basis]->bonds);
        ++next_basis;
      }
      if (shorter.independent(c.bonds)) relevant.push_back(std::move(c));
    }
    return relevant;
  }

  // All simple cycles of at most `longest` atoms, each found once: it starts
  // at its smallest atom and its second atom is smaller than its last.
  std::vector<Cycle> simple_cycles(int longest) const {
    constexpr size_t kMaxCycles = 200000;
    std::vector<Cycle> out;
    std::vector<int> path;
    std::vector<bool> on_path(mol_.num_atoms(), false);
    std::function<void(int, int)> extend = [&](int start, int a) {
      for (int other : ring_neighbours(a)) {
        if (other == start && path.size() >= 3 && path[1] < path.back()) {
          out.push_back(make_cycle(path));
          if (out.size() > kMaxCycles) {
            throw std::runtime_error("ring system too large to enumerate its rings");
          }
        } else if (other > start && !on_path[other] && static_cast<int>(path.size()) < longest) {
          on_path[other] = true;
          path.push_back(other);
          extend(start, other);
          path.pop_back();
          on_path[other] = false;
        }
      }
    };
    for (int start = 0; start < mol_.num_atoms(); ++start) {
      path = {start};
      on_path[start] = true;
      extend(start, start);
      on_path[start] = false;
    }
    return out;
  }
};

}  // namespace

bool RingInfo::atom_in_ring_of_size(int atom, int size) const {
  for (const auto& ring : atom_rings) {
    if (static_cast<int>(ring.size()) == size && std::find(ring.begin(), ring.end(), atom) != ring.end()) {
      return true;
    }
  }
  return false;
}

int RingInfo::min_bond_ring_size(int bond) const {
  int best = 0;
  for (const auto& ring : bond_rings) {
    if (std::find(ring.begin(), ring.end(), bond) == ring.end()) continue;
    const int size = static_cast<int>(ring.size());
    if (best == 0 || size < best) best = size;
  }
  return best;
}

bool RingInfo::is_bridgehead(const Molecule& mol, int atom) const {
  if (mol.degree(atom) < 3) return false;
  std::vector<int> atom_ring_bonds;
  for (int b : mol.atom_bonds(atom)) {
    if (bond_in_ring(b)) atom_ring_bonds.push_back(b);
  }
  if (atom_ring_bonds.size() < 3) return false;
  auto touches_atom = [&](const std::vector<int>& ring) {
    return std::any_of(ring.begin(), ring.end(), [&](int b) {
      return std::find(atom_ring_bonds.begin(), atom_ring_bonds.end(), b) != atom_ring_bonds.end();
    });
  };
  for (size_t i = 0; i < bond_rings.size(); ++i) {
    if (!touches_atom(bond_rings[i])) continue;
    bool overlaps = false;
    for (size_t j = 0; j < bond_rings.size() && !overlaps; ++j) {
      if (j == i || !touches_atom(bond_rings[j])) continue;
      int shared = 0;
      for (int b : bond_rings[j]) {
        shared += std::find(bond_rings[i].begin(), bond_rings[i].end(), b) != bond_rings[i].end();
      }
      overlaps = shared >= 2;
    }
    if (!overlaps) return false;
  }
  return true;
}

RingInfo find_rings(const Molecule& mol) { return RingFinder(mol).run(); }

}  // namespace nlammr::chem
