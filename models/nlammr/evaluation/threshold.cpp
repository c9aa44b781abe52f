#include "models/nlammr/evaluation/threshold.h"

#include <cmath>
#include <stdexcept>

namespace nlammr {

double choose_threshold(const std::vector<PatientPredictions>& validation, const DdiMatrix& ddi,
                        EvaluationOptions options, ThresholdGrid grid) {
  if (!(grid.step > 0) || !(grid.low > 0) || !(grid.high < 1) || grid.low > grid.high)
    throw std::invalid_argument("choose_threshold: the grid must lie in (0, 1) with a positive step");
  size_t visits = 0;
  for (const PatientPredictions& p : validation) visits += p.size();
  if (visits == 0) throw std::invalid_argument("choose_threshold: no validation visits");
  // Integer steps, so that 0.5 is on the grid exactly when it should be.
  const int steps = static_cast<int>(std::floor((grid.high - grid.low) / grid.step + 1e-9));
  double best = 0.5, best_jaccard = -1;
  for (int i = 0; i <= steps; ++i) {
    options.threshold = grid.low + i * grid.step;
    const double jaccard = evaluate(validation, ddi, options).jaccard;
    const bool better = jaccard > best_jaccard + 1e-12 ||
                        (std::abs(jaccard - best_jaccard) <= 1e-12 &&
                         std::abs(options.threshold - 0.5) < std::abs(best - 0.5));
    if (better) best = options.threshold, best_jaccard = jaccard;
  }
  return best;
}

}  // namespace nlammr
