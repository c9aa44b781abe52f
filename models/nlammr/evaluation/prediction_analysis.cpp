#include "models/nlammr/evaluation/prediction_analysis.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

namespace nlammr {

namespace {
double ratio(size_t a, size_t b) { return b ? static_cast<double>(a) / static_cast<double>(b) : 0.0; }
}  // namespace

std::vector<ClassQuality> per_class_quality(const std::vector<PatientPredictions>& patients, size_t num_classes,
                                            double threshold) {
  std::vector<ClassQuality> out(num_classes);
  for (size_t m = 0; m < num_classes; ++m) out[m].index = static_cast<int>(m);
  for (const PatientPredictions& visits : patients)
    for (const VisitPrediction& v : visits) {
      if (v.scores.size() != num_classes)
        throw std::runtime_error("per_class_quality: a visit has " + std::to_string(v.scores.size()) +
                                 " scores for " + std::to_string(num_classes) + " classes");
      std::vector<uint8_t> given(num_classes, 0);
      for (int t : v.target) given.at(static_cast<size_t>(t)) = 1;
      for (size_t m = 0; m < num_classes; ++m) {
        const bool predicted = v.scores[m] >= threshold;
        out[m].support += given[m];
        out[m].predicted += predicted;
        out[m].hits += predicted && given[m];
      }
    }
  for (ClassQuality& c : out) {
    c.precision = ratio(c.hits, c.predicted);
    c.recall = ratio(c.hits, c.support);
    c.f1 = c.precision + c.recall > 0 ? 2 * c.precision * c.recall / (c.precision + c.recall) : 0.0;
  }
  return out;
}

std::vector<size_t> class_counts(const Cohort& cohort, const std::vector<size_t>& patients) {
  std::vector<size_t> counts(cohort.medications.size(), 0);
  for (size_t p : patients)
    for (const Visit& v : cohort.patients.at(p).visits)
      for (int m : v.medications) ++counts.at(static_cast<size_t>(m));
  return counts;
}

std::vector<ReliabilityBin> reliability_bins(const std::vector<PatientPredictions>& patients, size_t bins) {
  if (bins == 0) throw std::runtime_error("reliability_bins: at least one bin");
  std::vector<ReliabilityBin> out(bins);
  std::vector<double> sum_p(bins, 0.0);
  std::vector<size_t> positives(bins, 0);
  for (size_t b = 0; b < bins; ++b) out[b].lower = static_cast<double>(b) / bins, out[b].upper = static_cast<double>(b + 1) / bins;
  for (const PatientPredictions& visits : patients)
    for (const VisitPrediction& v : visits) {
      std::vector<uint8_t> given(v.scores.size(), 0);
      for (int t : v.target) given.at(static_cast<size_t>(t)) = 1;
      for (size_t m = 0; m < v.scores.size(); ++m) {
        const double p = std::clamp(v.scores[m], 0.0, 1.0);
        const size_t b = std::min(bins - 1, static_cast<size_t>(p * static_cast<double>(bins)));
        ++out[b].count;
        sum_p[b] += p;
        positives[b] += given[m];
      }
    }
  for (size_t b = 0; b < bins; ++b)
    if (out[b].count) out[b].mean_probability = sum_p[b] / out[b].count, out[b].observed_rate = ratio(positives[b], out[b].count);
  return out;
}

double expected_calibration_error(const std::vector<ReliabilityBin>& bins) {
  size_t total = 0;
  double sum = 0;
  for (const ReliabilityBin& b : bins) {
    total += b.count;
    sum += static_cast<double>(b.count) * std::abs(b.observed_rate - b.mean_probability);
  }
  return total ? sum / static_cast<double>(total) : 0.0;
}

std::vector<InteractingPair> recommended_interactions(const std::vector<PatientPredictions>& patients,
                                                      const DdiMatrix& ddi, double threshold) {
  std::map<std::pair<int, int>, InteractingPair> pairs;
  auto count = [&](const std::vector<int>& set, bool recommended) {
    for (size_t i = 0; i < set.size(); ++i)
      for (size_t j = i + 1; j < set.size(); ++j) {
        const int a = std::min(set[i], set[j]), b = std::max(set[i], set[j]);
        if (!ddi.interacts(a, b)) continue;
        InteractingPair& p = pairs[{a, b}];
        p.a = a, p.b = b;
        (recommended ? p.recommended : p.given) += 1;
      }
  };
  if (ddi.size() == 0) return {};
  for (const PatientPredictions& visits : patients)
    for (const VisitPrediction& v : visits) {
      count(predicted_set(v.scores, threshold), true);
      count(v.target, false);
    }
  std::vector<InteractingPair> out;
  for (const auto& [key, p] : pairs)
    if (p.recommended > 0) out.push_back(p);
  std::stable_sort(out.begin(), out.end(),
                   [](const InteractingPair& x, const InteractingPair& y) { return x.recommended > y.recommended; });
  return out;
}

double ground_truth_ddi_rate(const std::vector<PatientPredictions>& patients, const DdiMatrix& ddi) {
  std::vector<std::vector<int>> sets;
  for (const PatientPredictions& visits : patients)
    for (const VisitPrediction& v : visits) sets.push_back(v.target);
  return ddi_rate(sets, ddi);
}

}  // namespace nlammr
