// Limits on SMILES input: the counts they are checked on, the errors beyond
// them, molecules right at them, and independence from the caller's stack.
#include <doctest/doctest.h>
#include <link.h>

#include <stdexcept>
#include <string>

#include "chem/large_stack.h"
#include "chem/smiles_limits.h"
#include "chem/molecule_graph.h"
#include "io/text_table.h"
#include "tests/test_support.h"

using namespace nlammr;
using chem::SmilesLimits;

namespace {

std::string error_of(const std::string& smiles) {
  try {
    smiles_to_graph(smiles);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

// glibc carves a thread's static TLS (that of every loaded library) out of
// the stack size it is given. CUDA's libraries alone bring over 100 KiB, so a
// "128 KiB thread" must be asked for as 128 KiB plus that.
size_t static_tls_bytes() {
  size_t total = 0;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* data) {
        for (int i = 0; i < info->dlpi_phnum; ++i)
          if (info->dlpi_phdr[i].p_type == PT_TLS) *static_cast<size_t*>(data) += info->dlpi_phdr[i].p_memsz + 64;
        return 0;
      },
      &total);
  return total;
}

// A stack with `usable` bytes left for the work after the TLS and a margin
// for glibc's own reservations.
size_t stack_of(size_t usable) { return usable + static_tls_bytes() + (size_t{16} << 10); }

std::string repeat(const std::string& unit, size_t times) {
  std::string out;
  for (size_t i = 0; i < times; ++i) out += unit;
  return out;
}

// C(C(C(...C...))) with `depth` nested branches: depth + 1 carbons.
std::string nested(size_t depth) { return repeat("C(", depth) + "C" + repeat(")", depth); }

}  // namespace

TEST_CASE("SMILES limits: written atoms and branch depth are counted as the syntax reads them") {
  CHECK(chem::count_written_atoms("Clc1ccccc1[NH3+]") == 8);
  CHECK(chem::count_written_atoms("[H][C@]12CC[C@@H](Br)C1") == 7);
  CHECK(chem::count_written_atoms("[Cl-].[Na+]") == 2);
  CHECK(chem::count_written_atoms("") == 0);
  CHECK(chem::branch_depth("CC(C)(C)C") == 1);
  CHECK(chem::branch_depth("CC(C(C(O)N)S)C") == 3);
  CHECK(chem::branch_depth("[C@@H](O)C") == 1);
  CHECK(chem::branch_depth(nested(7)) == 7);
}

TEST_CASE("SMILES limits: beyond each limit, an error naming the value and the limit") {
  const std::string long_aromatic = repeat("c", 100000);
  CHECK(error_of(long_aromatic).find("length 100000 exceeds the limit of " +
                                     std::to_string(SmilesLimits::kMaxLength)) != std::string::npos);
  const std::string many_atoms = repeat("C", SmilesLimits::kMaxAtoms + 1);
  REQUIRE(many_atoms.size() <= SmilesLimits::kMaxLength);
  CHECK(error_of(many_atoms).find("atom count " + std::to_string(SmilesLimits::kMaxAtoms + 1) +
                                  " exceeds the limit of " + std::to_string(SmilesLimits::kMaxAtoms)) !=
        std::string::npos);
  const std::string deep = nested(SmilesLimits::kMaxBranchDepth + 1);
  CHECK(error_of(deep).find("branch depth " + std::to_string(SmilesLimits::kMaxBranchDepth + 1) +
                            " exceeds the limit of " + std::to_string(SmilesLimits::kMaxBranchDepth)) !=
        std::string::npos);
}

TEST_CASE("SMILES limits: molecules right at the limits are read correctly") {
  const MolGraph chain = smiles_to_graph(repeat("C", SmilesLimits::kMaxAtoms));
  CHECK(chain.num_nodes == static_cast<int64_t>(SmilesLimits::kMaxAtoms));
  CHECK(chain.num_edges() == 2 * static_cast<int64_t>(SmilesLimits::kMaxAtoms - 1));
  const MolGraph branched = smiles_to_graph(nested(SmilesLimits::kMaxBranchDepth));
  CHECK(branched.num_nodes == static_cast<int64_t>(SmilesLimits::kMaxBranchDepth + 1));
  // Every atom but the two ends of the chain has two carbon neighbours.
  CHECK(branched.node_feat[1][kTotalDegree] == 4);
  CHECK(branched.node_feat[SmilesLimits::kMaxBranchDepth][kTotalDegree] == 4);
  // A macrocycle of the largest size.
  const MolGraph ring = smiles_to_graph("C1" + repeat("C", SmilesLimits::kMaxAtoms - 2) + "C1");
  CHECK(ring.num_nodes == static_cast<int64_t>(SmilesLimits::kMaxAtoms));
  CHECK(ring.node_feat[0][kIsInRing] == 1);
}

TEST_CASE("SMILES limits: the perception does not depend on the caller's stack size") {
  // A caller thread with a 128 KiB stack: Open Babel's recursion over 2000
  // aromatic atoms would not fit in it, the perception's own stack does.
  const size_t small_stack = stack_of(size_t{128} << 10);
  std::string error;
  run_with_large_stack([&] { error = error_of(repeat("c", SmilesLimits::kMaxAtoms)); }, small_stack);
  CHECK(error.find("invalid SMILES") != std::string::npos);
  MolGraph graph;
  run_with_large_stack([&] { graph = smiles_to_graph("c1ccccc1" + repeat("C", 1990)); }, small_stack);
  CHECK(graph.num_nodes == 1996);
}

TEST_CASE("SMILES limits: every MIMIC-III medication SMILES is far inside them") {
  const std::string path = std::string(NLAMMR_SOURCE_DIR) + "/../shared/data/mimic3/medications.tsv";
  if (!file_exists(path)) NLAMMR_SKIP("the MIMIC-III medication table is not present");
  size_t longest = 0, most_atoms = 0, deepest = 0;
  for (const TextRow& row : read_tsv(path, {"atc3", "smiles"}, 2)) {
    for (const std::string& smiles : split(row.fields[1], '|')) {
      longest = std::max(longest, smiles.size());
      most_atoms = std::max(most_atoms, chem::count_written_atoms(smiles));
      deepest = std::max(deepest, chem::branch_depth(smiles));
    }
  }
  MESSAGE("longest " << longest << ", most atoms " << most_atoms << ", deepest branches " << deepest);
  CHECK(longest * 10 < SmilesLimits::kMaxLength);
  CHECK(most_atoms * 10 < SmilesLimits::kMaxAtoms);
  CHECK(deepest * 5 < SmilesLimits::kMaxBranchDepth);
}
