#include "models/nlammr/evaluation/metrics.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace nlammr {

double average_precision(const std::vector<uint8_t>& truth, const std::vector<double>& scores) {
  if (truth.size() != scores.size()) throw std::invalid_argument("average_precision: size mismatch");
  const size_t n = scores.size();
  size_t positives = 0;
  for (uint8_t t : truth) positives += t ? 1 : 0;
  if (positives == 0 || n == 0) return 0.0;
  // Rank by descending score; equal scores form one threshold, so their order
  // does not matter.
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] > scores[b]; });
  double ap = 0.0;
  double previous_recall = 0.0;
  size_t true_positives = 0;
  for (size_t k = 0; k < n; ++k) {
    true_positives += truth[order[k]] ? 1 : 0;
    const bool last_of_threshold = (k + 1 == n) || scores[order[k + 1]] != scores[order[k]];
    if (!last_of_threshold) continue;
    const double precision = static_cast<double>(true_positives) / static_cast<double>(k + 1);
    const double recall = static_cast<double>(true_positives) / static_cast<double>(positives);
    ap += (recall - previous_recall) * precision;
    previous_recall = recall;
  }
  return ap;
}

std::vector<int> predicted_set(const std::vector<double>& scores, double threshold) {
  std::vector<int> set;
  for (size_t m = 0; m < scores.size(); ++m) {
    if (scores[m] >= threshold) set.push_back(static_cast<int>(m));
  }
  return set;
}

VisitScores score_visit(const std::vector<int>& target, const std::vector<double>& scores, double threshold) {
  std::vector<uint8_t> truth(scores.size(), 0);
  for (int m : target) {
    if (m < 0 || static_cast<size_t>(m) >= scores.size()) {
      throw std::out_of_range("score_visit: target medication " + std::to_string(m) + " outside the " +
                              std::to_string(scores.size()) + " scored classes");
    }
    truth[static_cast<size_t>(m)] = 1;
  }
  size_t n_true = 0;
  for (uint8_t t : truth) n_true += t;
  size_t n_pred = 0;
  size_t n_both = 0;
  for (size_t m = 0; m < scores.size(); ++m) {
    if (scores[m] >= threshold) {
      ++n_pred;
      n_both += truth[m];
    }
  }
  VisitScores s;
  const size_t n_union = n_true + n_pred - n_both;
  // The reference divides by |union| unguarded (both sets empty would raise);
  // an empty prediction of an empty target scores 0 here.
  s.jaccard = n_union == 0 ? 0.0 : static_cast<double>(n_both) / static_cast<double>(n_union);
  s.precision = n_pred == 0 ? 0.0 : static_cast<double>(n_both) / static_cast<double>(n_pred);
  s.recall = n_true == 0 ? 0.0 : static_cast<double>(n_both) / static_cast<double>(n_true);
  s.f1 = (s.precision + s.recall) == 0 ? 0.0 : 2 * s.precision * s.recall / (s.precision + s.recall);
  s.prauc = average_precision(truth, scores);
  return s;
}

double visit_jaccard(const std::vector<int>& target, const std::vector<double>& scores, double threshold) {
  size_t n_pred = 0;
  size_t n_both = 0;
  for (size_t m = 0; m < scores.size(); ++m) n_pred += scores[m] >= threshold ? 1 : 0;
  for (int m : target) n_both += scores.at(static_cast<size_t>(m)) >= threshold ? 1 : 0;
  const size_t n_union = target.size() + n_pred - n_both;
  return n_union == 0 ? 0.0 : static_cast<double>(n_both) / static_cast<double>(n_union);
}

double ddi_rate(const std::vector<std::vector<int>>& predicted_sets, const DdiMatrix& ddi) {
  size_t all_pairs = 0;
  size_t interacting = 0;
  for (const auto& set : predicted_sets) {
    for (size_t i = 0; i < set.size(); ++i) {
      for (size_t j = i + 1; j < set.size(); ++j) {
        ++all_pairs;
        if (ddi.size() > 0 && ddi.interacts(set[i], set[j])) ++interacting;
      }
    }
  }
  return all_pairs == 0 ? 0.0 : static_cast<double>(interacting) / static_cast<double>(all_pairs);
}

EvaluationOptions parse_averaging(const std::string& text, EvaluationOptions base) {
  if (text == "visit") {
    base.averaging = Averaging::kVisit;
  } else if (text == "patient") {
    base.averaging = Averaging::kPatient;
  } else if (text.rfind("batch:", 0) == 0) {
    const std::string number = text.substr(6);
    if (number.empty() || number.find_first_not_of("0123456789") != std::string::npos || std::stoul(number) == 0) {
      throw std::invalid_argument("averaging '" + text + "': the batch size must be a positive integer");
    }
    base.averaging = Averaging::kBatch;
    base.batch_size = std::stoul(number);
  } else {
    throw std::invalid_argument("averaging '" + text + "': expected visit, patient or batch:N");
  }
  return base;
}

std::string describe_averaging(const EvaluationOptions& options) {
  switch (options.averaging) {
    case Averaging::kVisit: return "visit";
    case Averaging::kPatient: return "patient";
    case Averaging::kBatch: return "batch:" + std::to_string(options.batch_size);
  }
  return "?";
}

namespace {

// Running means of the five per-visit scores over a group of visits.
struct ScoreSums {
  double jaccard = 0, precision = 0, recall = 0, f1 = 0, prauc = 0;
  size_t count = 0;
  void add(const VisitScores& s) {
    jaccard += s.jaccard;
    precision += s.precision;
    recall += s.recall;
    f1 += s.f1;
    prauc += s.prauc;
    ++count;
  }
  // Adds this group's mean as one item of `outer`.
  void add_mean_to(ScoreSums& outer) const {
    if (count == 0) return;
    const double n = static_cast<double>(count);
    outer.add({jaccard / n, precision / n, recall / n, f1 / n, prauc / n});
  }
};

}  // namespace

MetricSummary evaluate(const std::vector<const PatientPredictions*>& patients, const DdiMatrix& ddi,
                       const EvaluationOptions& options) {
  ScoreSums outer;
  ScoreSums group;
  std::vector<std::vector<int>> predicted_sets;
  size_t predicted_total = 0;
  for (const PatientPredictions* patient : patients) {
    for (const VisitPrediction& visit : *patient) {
      const VisitScores s = score_visit(visit.target, visit.scores, options.threshold);
      predicted_sets.push_back(predicted_set(visit.scores, options.threshold));
      predicted_total += predicted_sets.back().size();
      switch (options.averaging) {
        case Averaging::kVisit: outer.add(s); break;
        case Averaging::kPatient: group.add(s); break;
        case Averaging::kBatch:
          group.add(s);
          if (group.count == options.batch_size) {
            group.add_mean_to(outer);
            group = {};
          }
          break;
      }
    }
    if (options.averaging == Averaging::kPatient) {
      group.add_mean_to(outer);
      group = {};
    }
  }
  if (options.averaging == Averaging::kBatch) group.add_mean_to(outer);  // the last, shorter batch

  MetricSummary summary;
  summary.patients = patients.size();
  summary.visits = predicted_sets.size();
  if (outer.count > 0) {
    const double n = static_cast<double>(outer.count);
    summary.jaccard = outer.jaccard / n;
    summary.precision = outer.precision / n;
    summary.recall = outer.recall / n;
    summary.f1 = outer.f1 / n;
    summary.prauc = outer.prauc / n;
  }
  summary.ddi_rate = ddi_rate(predicted_sets, ddi);
  summary.avg_meds =
      summary.visits == 0 ? 0.0 : static_cast<double>(predicted_total) / static_cast<double>(summary.visits);
  return summary;
}

MetricSummary evaluate(const std::vector<PatientPredictions>& patients, const DdiMatrix& ddi,
                       const EvaluationOptions& options) {
  std::vector<const PatientPredictions*> pointers;
  for (const auto& p : patients) pointers.push_back(&p);
  return evaluate(pointers, ddi, options);
}

}  // namespace nlammr
