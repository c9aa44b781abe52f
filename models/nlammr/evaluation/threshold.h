// A decision threshold chosen on the validation split: the one (on a grid)
// whose predicted sets have the best mean Jaccard there. Reported apart from
// the fixed 0.5 of the reference protocol, never in its place.
#pragma once

#include <vector>

#include "models/nlammr/evaluation/metrics.h"

namespace nlammr {

struct ThresholdGrid {
  double low = 0.20, high = 0.80, step = 0.02;
};

// The grid threshold with the highest Jaccard on `validation` (averaged as
// `options` says); of equal ones, the one nearest 0.5. Throws on an empty
// grid or no visits.
double choose_threshold(const std::vector<PatientPredictions>& validation, const DdiMatrix& ddi,
                        EvaluationOptions options = {}, ThresholdGrid grid = {});

}  // namespace nlammr
