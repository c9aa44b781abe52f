// Two simple recommenders every learned model must beat. Both give one score
// in [0, 1] per medication class and are evaluated with the same metrics and
// bootstrap as the model (threshold 0.5).
//
//  * PreviousVisitBaseline: recommend what the patient received at the
//    previous visit. A first visit has no history; it gets the classes given
//    in at least half of the training visits (the best constant set under a
//    0.5 threshold on prevalence). Scores rank the copied classes first and
//    break ties by training prevalence p_m:
//        score = 0.5 + 0.5 p_m   if m was given at the previous visit
//        score = 0.5 p_m         otherwise            (first visit: p_m)
//
//  * CodeFrequencyBaseline: P(m | code) counted on training visits, for every
//    diagnosis and procedure code, shrunk toward p_m by one pseudo-visit:
//        P(m | c) = (n(c, m) + p_m) / (n(c) + 1).
//    A visit's raw score for m pools P(m | c) over its known codes by mean or
//    by max (no known code: p_m). Pooling and threshold are chosen on the
//    validation patients by mean per-visit Jaccard; the raw score is then
//    mapped piecewise-linearly so that the chosen threshold lands on 0.5
//    (order, hence PRAUC, is unchanged).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "data/cohort/cohort.h"
#include "models/nlammr/evaluation/metrics.h"

namespace nlammr {

// Fraction of the given patients' visits that contain each medication class.
std::vector<double> medication_prevalence(const Cohort& cohort, const std::vector<size_t>& patients);

class PreviousVisitBaseline {
 public:
  PreviousVisitBaseline(const Cohort& cohort, const std::vector<size_t>& train_patients);
  PatientPredictions predict(const Patient& patient) const;

 private:
  std::vector<double> prevalence_;
};

enum class CodePooling { kMean, kMax };
const char* pooling_name(CodePooling pooling);

class CodeFrequencyBaseline {
 public:
  CodeFrequencyBaseline(const Cohort& cohort, const std::vector<size_t>& train_patients);

  // Pooled P(m | code) of one visit, before calibration.
  std::vector<double> raw_scores(const Visit& visit, CodePooling pooling) const;

  // Chooses pooling and threshold (0.02 ... 0.98, step 0.02) by the mean
  // per-visit Jaccard on these patients; returns that Jaccard.
  double tune(const Cohort& cohort, const std::vector<size_t>& validation_patients);

  PatientPredictions predict(const Patient& patient) const;

  CodePooling pooling() const { return pooling_; }
  double threshold() const { return threshold_; }
  void set(CodePooling pooling, double threshold);

 private:
  size_t n_meds_;
  std::vector<double> prevalence_;
  // P(m | code), one row of n_meds_ per diagnosis index, then per procedure.
  std::vector<std::vector<double>> diagnosis_rows_;
  std::vector<std::vector<double>> procedure_rows_;
  CodePooling pooling_ = CodePooling::kMean;
  double threshold_ = 0.5;
};

// Maps a raw score so that `threshold` goes to 0.5, keeping order:
// [0, t) -> [0, 0.5) and [t, 1] -> [0.5, 1].
double calibrate_to_half(double score, double threshold);

// Predictions of a baseline for the given patients, in order.
template <typename Baseline>
std::vector<PatientPredictions> predict_patients(const Baseline& baseline, const Cohort& cohort,
                                                 const std::vector<size_t>& patients) {
  std::vector<PatientPredictions> out;
  out.reserve(patients.size());
  for (size_t p : patients) out.push_back(baseline.predict(cohort.patients[p]));
  return out;
}

}  // namespace nlammr
