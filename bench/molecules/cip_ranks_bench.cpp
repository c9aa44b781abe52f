// The CIP rank refinement (chem/cip_ranks.cpp) on carbon chains and
// nested branches of growing size, against the round-by-round definition
// (tests/molecules/cip_ranks_by_definition.h) measured in the same run.
// The refinement should grow about n log n, the definition about n^2.
//
//   build/bench/molecules/cip_ranks_bench
#include <cstdio>
#include <string>

#include "bench/harness.h"
#include "chem/cip_ranks.h"
#include "chem/from_smiles.h"
#include "chem/smiles_syntax.h"
#include "tests/molecules/cip_ranks_by_definition.h"

using namespace nlammr;

namespace {

// The molecule as the syntax reader leaves it, with the hydrogens the
// ranking counts (the full perception would stop at the SMILES limits).
chem::Molecule chain(size_t n) {
  chem::Molecule mol = chem::read_smiles_syntax(std::string(n, 'C'));
  for (int a = 0; a < mol.num_atoms(); ++a) mol.atoms[a].explicit_hs = 4 - mol.degree(a);
  return mol;
}

chem::Molecule nested(size_t depth) {
  std::string smiles;
  for (size_t i = 0; i < depth; ++i) smiles += "C(";
  smiles += "C";
  for (size_t i = 0; i < depth; ++i) smiles += ")O";
  chem::Molecule mol = chem::read_smiles_syntax(smiles);
  for (int a = 0; a < mol.num_atoms(); ++a) {
    mol.atoms[a].explicit_hs = (mol.atoms[a].atomic_num == 6 ? 4 : 2) - mol.degree(a);
  }
  return mol;
}

void row(const char* shape, size_t n, const chem::Molecule& mol, bool with_definition) {
  bench::TimingPlan plan;
  plan.total_s = 0.3;
  plan.min_samples = 3;
  const bench::Timing fast = bench::measure([&] { chem::legacy_cip_ranks(mol); }, plan);
  std::printf("%-8s %8zu atoms  refinement %10.3f ms", shape, n, fast.min_s * 1e3);
  if (with_definition) {
    const auto invariants = chem::cip_initial_invariants(mol);
    plan.min_samples = 1;
    const bench::Timing slow =
        bench::measure([&] { testing::cip_ranks_by_definition(mol, invariants); }, plan);
    std::printf("  definition %10.3f ms  ratio %7.1fx", slow.min_s * 1e3, slow.min_s / fast.min_s);
  }
  std::printf("\n");
}

}  // namespace

int main() {
  for (size_t n : {500, 2000, 5000, 20000, 100000}) row("chain", n, chain(n), n <= 5000);
  for (size_t depth : {250, 1000, 2500, 10000, 50000}) row("branches", 2 * depth + 1, nested(depth), depth <= 2500);
  return 0;
}
