#include "models/nlammr/evaluation/baselines.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace nlammr {

std::vector<double> medication_prevalence(const Cohort& cohort, const std::vector<size_t>& patients) {
  std::vector<double> counts(cohort.medications.size(), 0.0);
  size_t visits = 0;
  for (size_t p : patients) {
    for (const Visit& visit : cohort.patients[p].visits) {
      ++visits;
      for (int m : visit.medications) counts[static_cast<size_t>(m)] += 1;
    }
  }
  if (visits == 0) throw std::invalid_argument("medication_prevalence: no training visits");
  for (double& c : counts) c /= static_cast<double>(visits);
  return counts;
}

PreviousVisitBaseline::PreviousVisitBaseline(const Cohort& cohort, const std::vector<size_t>& train_patients)
    : prevalence_(medication_prevalence(cohort, train_patients)) {}

PatientPredictions PreviousVisitBaseline::predict(const Patient& patient) const {
  PatientPredictions out;
  for (size_t v = 0; v < patient.visits.size(); ++v) {
    VisitPrediction prediction;
    prediction.target = patient.visits[v].medications;
    if (v == 0) {
      prediction.scores = prevalence_;
    } else {
      prediction.scores.resize(prevalence_.size());
      for (size_t m = 0; m < prevalence_.size(); ++m) prediction.scores[m] = 0.5 * prevalence_[m];
      for (int m : patient.visits[v - 1].medications) {
        prediction.scores[static_cast<size_t>(m)] = 0.5 + 0.5 * prevalence_[static_cast<size_t>(m)];
      }
    }
    out.push_back(std::move(prediction));
  }
  return out;
}

const char* pooling_name(CodePooling pooling) { return pooling == CodePooling::kMean ? "mean" : "max"; }

namespace {

// P(m | code) rows from counts, shrunk toward the prevalence by one visit.
std::vector<std::vector<double>> conditional_rows(const std::vector<std::vector<double>>& together,
                                                  const std::vector<double>& code_visits,
                                                  const std::vector<double>& prevalence) {
  std::vector<std::vector<double>> rows(together.size());
  for (size_t c = 0; c < together.size(); ++c) {
    if (code_visits[c] == 0) continue;  // never seen in training: no row
    rows[c].resize(prevalence.size());
    for (size_t m = 0; m < prevalence.size(); ++m) {
      rows[c][m] = (together[c][m] + prevalence[m]) / (code_visits[c] + 1.0);
    }
  }
  return rows;
}

}  // namespace

CodeFrequencyBaseline::CodeFrequencyBaseline(const Cohort& cohort, const std::vector<size_t>& train_patients)
    : n_meds_(cohort.medications.size()), prevalence_(medication_prevalence(cohort, train_patients)) {
  std::vector<std::vector<double>> dx_meds(cohort.diagnoses.size(), std::vector<double>(n_meds_, 0.0));
  std::vector<std::vector<double>> px_meds(cohort.procedures.size(), std::vector<double>(n_meds_, 0.0));
  std::vector<double> dx_visits(cohort.diagnoses.size(), 0.0);
  std::vector<double> px_visits(cohort.procedures.size(), 0.0);
  for (size_t p : train_patients) {
    for (const Visit& visit : cohort.patients[p].visits) {
      for (int d : visit.diagnoses) {
        dx_visits[static_cast<size_t>(d)] += 1;
        for (int m : visit.medications) dx_meds[static_cast<size_t>(d)][static_cast<size_t>(m)] += 1;
      }
      for (int c : visit.procedures) {
        px_visits[static_cast<size_t>(c)] += 1;
        for (int m : visit.medications) px_meds[static_cast<size_t>(c)][static_cast<size_t>(m)] += 1;
      }
    }
  }
  diagnosis_rows_ = conditional_rows(dx_meds, dx_visits, prevalence_);
  procedure_rows_ = conditional_rows(px_meds, px_visits, prevalence_);
}

std::vector<double> CodeFrequencyBaseline::raw_scores(const Visit& visit, CodePooling pooling) const {
  std::vector<double> pooled(n_meds_, 0.0);
  size_t known = 0;
  auto pool_row = [&](const std::vector<double>& row) {
    if (row.empty()) return;
    ++known;
    for (size_t m = 0; m < n_meds_; ++m) {
      pooled[m] = pooling == CodePooling::kMean ? pooled[m] + row[m] : std::max(pooled[m], row[m]);
    }
  };
  for (int d : visit.diagnoses) {
    if (static_cast<size_t>(d) < diagnosis_rows_.size()) pool_row(diagnosis_rows_[static_cast<size_t>(d)]);
  }
  for (int c : visit.procedures) {
    if (static_cast<size_t>(c) < procedure_rows_.size()) pool_row(procedure_rows_[static_cast<size_t>(c)]);
  }
  if (known == 0) return prevalence_;
  if (pooling == CodePooling::kMean) {
    for (double& s : pooled) s /= static_cast<double>(known);
  }
  return pooled;
}

double calibrate_to_half(double score, double threshold) {
  if (score >= threshold) {
    return threshold >= 1.0 ? 1.0 : 0.5 + 0.5 * (score - threshold) / (1.0 - threshold);
  }
  // Strictly below 0.5 even where score / threshold rounds to 1.
  return std::min(0.5 * score / threshold, std::nextafter(0.5, 0.0));
}

void CodeFrequencyBaseline::set(CodePooling pooling, double threshold) {
  if (!(threshold > 0.0 && threshold < 1.0)) throw std::invalid_argument("CodeFrequencyBaseline: threshold outside (0, 1)");
  pooling_ = pooling;
  threshold_ = threshold;
}

double CodeFrequencyBaseline::tune(const Cohort& cohort, const std::vector<size_t>& validation_patients) {
  double best_jaccard = -1.0;
  for (CodePooling pooling : {CodePooling::kMean, CodePooling::kMax}) {
    std::vector<std::vector<double>> scores;
    std::vector<const std::vector<int>*> targets;
    for (size_t p : validation_patients) {
      for (const Visit& visit : cohort.patients[p].visits) {
        scores.push_back(raw_scores(visit, pooling));
        targets.push_back(&visit.medications);
      }
    }
    if (scores.empty()) throw std::invalid_argument("CodeFrequencyBaseline::tune: no validation visits");
    for (int step = 1; step <= 49; ++step) {
      const double threshold = 0.02 * step;
      double sum = 0.0;
      for (size_t i = 0; i < scores.size(); ++i) sum += visit_jaccard(*targets[i], scores[i], threshold);
      const double jaccard = sum / static_cast<double>(scores.size());
      if (jaccard > best_jaccard) {
        best_jaccard = jaccard;
        set(pooling, threshold);
      }
    }
  }
  return best_jaccard;
}

PatientPredictions CodeFrequencyBaseline::predict(const Patient& patient) const {
  PatientPredictions out;
  for (const Visit& visit : patient.visits) {
    VisitPrediction prediction;
    prediction.target = visit.medications;
    prediction.scores = raw_scores(visit, pooling_);
    for (double& s : prediction.scores) s = calibrate_to_half(s, threshold_);
    out.push_back(std::move(prediction));
  }
  return out;
}

}  // namespace nlammr
