#include "models/nlammr/evaluation/bootstrap.h"

#include <cmath>
#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>

namespace nlammr {

uint64_t NumpyLegacyRandom::below(uint64_t n) {
  if (n == 0 || n > (uint64_t{1} << 32)) throw std::invalid_argument("NumpyLegacyRandom::below: n out of range");
  const uint64_t max = n - 1;
  if (max == 0) return 0;  // numpy draws nothing for a one-value range
  if (max == 0xFFFFFFFFu) return engine_();
  // Smallest all-ones mask covering max; redraw until the masked value fits.
  uint64_t mask = max;
  for (int shift = 1; shift <= 16; shift *= 2) mask |= mask >> shift;
  for (;;) {
    const uint64_t value = static_cast<uint64_t>(engine_()) & mask;
    if (value <= max) return value;
  }
}

std::vector<size_t> NumpyLegacyRandom::choice_with_replacement(size_t n, size_t size) {
  std::vector<size_t> out(size);
  for (auto& v : out) v = static_cast<size_t>(below(n));
  return out;
}

size_t bootstrap_sample_size(size_t n, double fraction) {
  return static_cast<size_t>(std::nearbyint(static_cast<double>(n) * fraction));
}

std::vector<std::vector<size_t>> bootstrap_samples(size_t n_patients, const BootstrapOptions& options) {
  if (n_patients == 0) throw std::invalid_argument("bootstrap: the test set has no patients");
  // Zero rounds or empty samples would average nothing into NaN metrics.
  if (options.rounds == 0) throw std::invalid_argument("bootstrap: rounds is 0, it must be at least 1");
  // The fraction is checked before it is used (a NaN converted to size_t is undefined).
  const bool fraction_ok = options.fraction > 0 && options.fraction <= 1;
  const size_t size = fraction_ok ? bootstrap_sample_size(n_patients, options.fraction) : 0;
  if (size == 0) {
    throw std::invalid_argument("bootstrap: fraction " + std::to_string(options.fraction) + " of " +
                                std::to_string(n_patients) + " patients draws " + std::to_string(size) +
                                " per round; it must lie in (0, 1] and draw at least one");
  }
  NumpyLegacyRandom random(options.seed);
  std::vector<std::vector<size_t>> samples;
  for (size_t r = 0; r < options.rounds; ++r) samples.push_back(random.choice_with_replacement(n_patients, size));
  return samples;
}

namespace {

// The fields of MetricSummary that are averaged over rounds.
const std::vector<std::pair<const char*, double MetricSummary::*>>& summary_fields() {
  static const std::vector<std::pair<const char*, double MetricSummary::*>> fields = {
      {"ddi_rate", &MetricSummary::ddi_rate}, {"jaccard", &MetricSummary::jaccard},
      {"f1", &MetricSummary::f1},             {"prauc", &MetricSummary::prauc},
      {"precision", &MetricSummary::precision}, {"recall", &MetricSummary::recall},
      {"avg_meds", &MetricSummary::avg_meds},
  };
  return fields;
}

}  // namespace

BootstrapResult bootstrap_evaluate(const std::vector<PatientPredictions>& test_patients, const DdiMatrix& ddi,
                                   const EvaluationOptions& evaluation, const BootstrapOptions& options) {
  BootstrapResult result;
  for (const auto& sample : bootstrap_samples(test_patients.size(), options)) {
    std::vector<const PatientPredictions*> drawn;
    for (size_t p : sample) drawn.push_back(&test_patients[p]);
    result.rounds.push_back(evaluate(drawn, ddi, evaluation));
  }
  const double n = static_cast<double>(result.rounds.size());
  for (const auto& [name, field] : summary_fields()) {
    double sum = 0;
    for (const auto& r : result.rounds) sum += r.*field;
    const double mean = sum / n;
    double squares = 0;
    for (const auto& r : result.rounds) squares += (r.*field - mean) * (r.*field - mean);
    if (!std::isfinite(mean)) {
      throw std::runtime_error(std::string("bootstrap: metric '") + name + "' is " + std::to_string(mean) +
                               " over " + std::to_string(result.rounds.size()) + " rounds");
    }
    result.mean.*field = mean;
    result.std.*field = std::sqrt(squares / n);
  }
  if (!result.rounds.empty()) {
    result.mean.patients = result.rounds[0].patients;
    double visits = 0;
    for (const auto& r : result.rounds) visits += static_cast<double>(r.visits);
    result.mean.visits = static_cast<size_t>(std::lround(visits / n));
  }
  return result;
}

std::string format_bootstrap(const BootstrapResult& result) {
  const char* labels[] = {"DDI", "Jaccard", "F1", "PRAUC", "precision", "recall", "#meds"};
  std::string out;
  size_t i = 0;
  for (const auto& [name, field] : summary_fields()) {
    char cell[96];
    std::snprintf(cell, sizeof(cell), "%s%s %.4f ± %.4f", out.empty() ? "" : " | ", labels[i++],
                  result.mean.*field, result.std.*field);
    out += cell;
  }
  return out;
}

nlohmann::json summary_json(const MetricSummary& summary) {
  nlohmann::json j;
  for (const auto& [name, field] : summary_fields()) j[name] = summary.*field;
  j["visits"] = summary.visits;
  j["patients"] = summary.patients;
  return j;
}

nlohmann::json bootstrap_json(const BootstrapResult& result) {
  nlohmann::json j;
  j["mean"] = summary_json(result.mean);
  j["std"] = summary_json(result.std);
  j["std"].erase("visits");
  j["std"].erase("patients");
  j["rounds"] = nlohmann::json::array();
  for (const auto& r : result.rounds) j["rounds"].push_back(summary_json(r));
  return j;
}

}  // namespace nlammr
