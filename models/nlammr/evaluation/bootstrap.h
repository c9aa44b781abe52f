// Bootstrap evaluation on the test set, as the reference implementations
// report it: R rounds (10), each drawing round(0.8 * n) test patients with
// replacement (all visits of a drawn patient), metrics per round, then the
// mean and the population standard deviation (numpy's std, ddof = 0) over
// the rounds.
//
// The draws reproduce numpy's legacy generator: np.random.seed(seed) and then
// np.random.choice(n, round(0.8 * n), replace=True) once per round, which is
// what MoleRec's test loop does (seed 0). So, for a given test set, the same
// seed gives the same patients as the reference scripts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/nlammr/evaluation/metrics.h"

namespace nlammr {

// numpy.random.RandomState(seed): MT19937 seeded like init_genrand, integers
// in [0, n) by masked rejection sampling of 32-bit draws.
class NumpyLegacyRandom {
 public:
  explicit NumpyLegacyRandom(uint32_t seed) : engine_(seed) {}
  // Like RandomState.randint(0, n) for 1 <= n <= 2^32.
  uint64_t below(uint64_t n);
  // Like RandomState.choice(n, size, replace=True).
  std::vector<size_t> choice_with_replacement(size_t n, size_t size);

 private:
  std::mt19937 engine_;  // the standard MT19937 is numpy's bit generator
};

struct BootstrapOptions {
  size_t rounds = 10;
  double fraction = 0.8;
  uint32_t seed = 0;
};

// round(fraction * n) with Python's rounding (half to even).
size_t bootstrap_sample_size(size_t n, double fraction);

// The patient indices (into the test set) of every round.
std::vector<std::vector<size_t>> bootstrap_samples(size_t n_patients, const BootstrapOptions& options);

struct BootstrapResult {
  std::vector<MetricSummary> rounds;
  MetricSummary mean;
  MetricSummary std;  // population standard deviation over the rounds
};

BootstrapResult bootstrap_evaluate(const std::vector<PatientPredictions>& test_patients, const DdiMatrix& ddi,
                                   const EvaluationOptions& evaluation = {},
                                   const BootstrapOptions& options = {});

// "Jaccard 0.5123 ± 0.0021 | ..." on one line, in the papers' column order.
std::string format_bootstrap(const BootstrapResult& result);
nlohmann::json bootstrap_json(const BootstrapResult& result);
nlohmann::json summary_json(const MetricSummary& summary);

}  // namespace nlammr
