// The benchmark cases of bench/engine_ops: GEMMs (square and BERT-shaped)
// and the ops a BERT layer and a GIN layer spend their time in. Each case
// names itself exactly as bench/engine_ops_torch.py names its PyTorch
// counterpart, so the two result sets can be joined by name.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace nlammr::bench {

// What one case runs: the nlammr engine call and, for GEMMs, the same product
// with Eigen called directly (its own threading, its preferred layout).
struct CaseRun {
  std::function<void()> nlammr;
  std::function<void()> eigen;  // empty when Eigen has no direct counterpart
  // Holds the inputs alive for the two callables.
  std::shared_ptr<void> inputs;
};

struct CaseSpec {
  std::string name;
  double flops = 0.0;             // 2 m n k for a GEMM, 0 for memory-bound ops
  std::function<CaseRun()> make;  // allocates the inputs; called once per case
};

// `quick` keeps only the small sizes (a smoke run of the harness).
std::vector<CaseSpec> engine_cases(bool quick);

}  // namespace nlammr::bench
