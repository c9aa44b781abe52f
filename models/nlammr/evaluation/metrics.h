// Evaluation metrics of medication recommendation, defined as the reference
// implementations (SafeDrug, MoleRec, NLA-MMR: `multi_label_metric` and
// `ddi_rate_score` in their util.py) define them:
//
//   per visit   Jaccard   |pred ∩ true| / |pred ∪ true|
//               precision |pred ∩ true| / |pred|   (0 when nothing is predicted)
//               recall    |pred ∩ true| / |true|   (0 when the target is empty)
//               F1        2PR / (P + R) of that visit's P and R (0 when P + R = 0)
//               PRAUC     average precision of the score ranking, exactly as
//                         scikit-learn's average_precision_score (ties grouped)
//   pooled      DDI rate  interacting pairs / all pairs, summed over every
//                         visit's predicted set (0 when there are no pairs)
//               #meds     predicted medications / visits
//
// where pred = {m : score_m >= threshold} (threshold 0.5). Per-visit values
// are averaged as chosen by Averaging (see there).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "data/cohort/cohort.h"

namespace nlammr {

struct VisitScores {
  double jaccard = 0;
  double precision = 0;
  double recall = 0;
  double f1 = 0;
  double prauc = 0;
};

// `target`: indices of the true medications (distinct); `scores`: one
// probability per medication class; throws on an index outside `scores`.
VisitScores score_visit(const std::vector<int>& target, const std::vector<double>& scores, double threshold);

// Only the Jaccard of one visit (what threshold tuning needs; no ranking).
double visit_jaccard(const std::vector<int>& target, const std::vector<double>& scores, double threshold);

// scikit-learn's average_precision_score for one binary problem: the sum over
// distinct score thresholds t (descending) of (R(t) - R(t_prev)) * P(t).
// With no positive label, scikit-learn (1.x) sets recall to 1 everywhere,
// which makes the result 0; so does this.
double average_precision(const std::vector<uint8_t>& truth, const std::vector<double>& scores);

// Indices of the medications whose score reaches the threshold, ascending.
std::vector<int> predicted_set(const std::vector<double>& scores, double threshold);

// One visit's ground truth and the model's scores for it.
struct VisitPrediction {
  std::vector<int> target;
  std::vector<double> scores;
};
// A patient's visits, in time order.
using PatientPredictions = std::vector<VisitPrediction>;

// How per-visit values are averaged into one number.
enum class Averaging {
  kVisit,    // mean over visits: every visit weighs the same
  kPatient,  // mean over patients of each patient's mean (SafeDrug, MoleRec)
  kBatch,    // mean over consecutive batches of `batch_size` visits of each
             // batch's mean (NLA-MMR evaluates batches of 8 visits)
};

struct EvaluationOptions {
  double threshold = 0.5;
  Averaging averaging = Averaging::kVisit;
  size_t batch_size = 8;  // for Averaging::kBatch
};

// Parses "visit", "patient" or "batch:N"; throws on anything else.
EvaluationOptions parse_averaging(const std::string& text, EvaluationOptions base = {});
std::string describe_averaging(const EvaluationOptions& options);

struct MetricSummary {
  double ddi_rate = 0;
  double jaccard = 0;
  double prauc = 0;
  double precision = 0;
  double recall = 0;
  double f1 = 0;
  double avg_meds = 0;
  size_t visits = 0;
  size_t patients = 0;
};

// Metrics over the given patients (in the given order; a patient may appear
// more than once, as in a bootstrap sample). `ddi` may be empty (size 0),
// which gives a DDI rate of 0.
MetricSummary evaluate(const std::vector<const PatientPredictions*>& patients, const DdiMatrix& ddi,
                       const EvaluationOptions& options = {});
MetricSummary evaluate(const std::vector<PatientPredictions>& patients, const DdiMatrix& ddi,
                       const EvaluationOptions& options = {});

// The DDI rate of predicted sets (pairs i < j within each set), pooled.
double ddi_rate(const std::vector<std::vector<int>>& predicted_sets, const DdiMatrix& ddi);

}  // namespace nlammr
