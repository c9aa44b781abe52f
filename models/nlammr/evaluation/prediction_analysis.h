// Looks at a model's predictions beyond the protocol's averages, for the run
// report: quality per medication class, calibration of the probabilities, and
// which known interactions the recommended sets contain.
#pragma once

#include <cstddef>
#include <vector>

#include "data/cohort/cohort.h"
#include "models/nlammr/evaluation/metrics.h"

namespace nlammr {

// One medication class over every visit: pooled counts at the threshold.
struct ClassQuality {
  int index = 0;
  size_t support = 0;    // visits where it was given
  size_t predicted = 0;  // visits where it was recommended
  size_t hits = 0;       // both
  double precision = 0, recall = 0, f1 = 0;  // 0 where undefined
};
std::vector<ClassQuality> per_class_quality(const std::vector<PatientPredictions>& patients, size_t num_classes,
                                            double threshold);

// Visits of these patients that were given each class (class frequency).
std::vector<size_t> class_counts(const Cohort& cohort, const std::vector<size_t>& patients);

// Reliability diagram: every (visit, class) probability in `bins` equal-width
// bins of [0, 1]; per bin the mean probability and the share that was given.
struct ReliabilityBin {
  double lower = 0, upper = 0;
  size_t count = 0;
  double mean_probability = 0, observed_rate = 0;
};
std::vector<ReliabilityBin> reliability_bins(const std::vector<PatientPredictions>& patients, size_t bins);
// Expected calibration error: the count-weighted mean |observed - predicted|.
double expected_calibration_error(const std::vector<ReliabilityBin>& bins);

// A known interacting pair (a < b) and how many visits' recommended sets hold
// it, next to how many ground-truth sets do.
struct InteractingPair {
  int a = 0, b = 0;
  size_t recommended = 0, given = 0;
};
// Pairs recommended at least once, most often recommended first.
std::vector<InteractingPair> recommended_interactions(const std::vector<PatientPredictions>& patients,
                                                      const DdiMatrix& ddi, double threshold);

// The DDI rate of the ground-truth sets (the protocol's pooled definition).
double ground_truth_ddi_rate(const std::vector<PatientPredictions>& patients, const DdiMatrix& ddi);

}  // namespace nlammr
