// Metrics and bootstrap against values computed by the reference definitions
// (tools/reference/make_metric_fixtures.py, with numpy and scikit-learn).
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "models/nlammr/evaluation/bootstrap.h"
#include "models/nlammr/evaluation/metrics.h"
#include "tests/test_support.h"

using namespace nlammr;
using nlohmann::json;

namespace {

json load_case() {
  std::ifstream in(testing::fixture_path("data/metrics_case.json"));
  REQUIRE(in.good());
  return json::parse(in);
}

std::vector<PatientPredictions> patients_of(const json& c) {
  std::vector<PatientPredictions> patients;
  for (const auto& p : c["patients"]) {
    PatientPredictions visits;
    for (const auto& v : p) visits.push_back({v["target"].get<std::vector<int>>(), v["scores"].get<std::vector<double>>()});
    patients.push_back(visits);
  }
  return patients;
}

DdiMatrix ddi_of(const json& c) {
  DdiMatrix ddi(c["n_meds"].get<size_t>());
  for (const auto& pair : c["ddi_pairs"]) ddi.add(pair[0].get<int>(), pair[1].get<int>());
  return ddi;
}

void check_summary(const MetricSummary& got, const json& want) {
  CHECK(got.jaccard == doctest::Approx(want["jaccard"].get<double>()).epsilon(1e-9));
  CHECK(got.precision == doctest::Approx(want["precision"].get<double>()).epsilon(1e-9));
  CHECK(got.recall == doctest::Approx(want["recall"].get<double>()).epsilon(1e-9));
  CHECK(got.f1 == doctest::Approx(want["f1"].get<double>()).epsilon(1e-9));
  CHECK(got.prauc == doctest::Approx(want["prauc"].get<double>()).epsilon(1e-9));
  CHECK(got.ddi_rate == doctest::Approx(want["ddi_rate"].get<double>()).epsilon(1e-9));
  CHECK(got.avg_meds == doctest::Approx(want["avg_meds"].get<double>()).epsilon(1e-9));
}

}  // namespace

TEST_CASE("per-visit metrics match the reference definitions") {
  const json c = load_case();
  const auto patients = patients_of(c);
  size_t k = 0;
  for (const auto& p : patients) {
    for (const auto& v : p) {
      const json& want = c["per_visit"][k++];
      const VisitScores s = score_visit(v.target, v.scores, 0.5);
      CAPTURE(k);
      CHECK(std::abs(s.jaccard - want["jaccard"].get<double>()) < 1e-9);
      CHECK(std::abs(s.precision - want["precision"].get<double>()) < 1e-9);
      CHECK(std::abs(s.recall - want["recall"].get<double>()) < 1e-9);
      CHECK(std::abs(s.f1 - want["f1"].get<double>()) < 1e-9);
      CHECK(std::abs(s.prauc - want["prauc"].get<double>()) < 1e-9);
    }
  }
  CHECK(k == c["per_visit"].size());
}

TEST_CASE("average precision without a positive label is what scikit-learn returns") {
  const json c = load_case();
  const double got = average_precision({0, 0, 0, 0, 0}, {0.1, 0.9, 0.3, 0.3, 0.5});
  CHECK(got == c["average_precision_no_positive"].get<double>());
}

TEST_CASE("summaries match the reference for visit, patient and batch averaging") {
  const json c = load_case();
  const auto patients = patients_of(c);
  const DdiMatrix ddi = ddi_of(c);
  for (const char* mode : {"visit", "patient", "batch:3"}) {
    CAPTURE(mode);
    check_summary(evaluate(patients, ddi, parse_averaging(mode)), c["summary"][mode]);
  }
}

TEST_CASE("bootstrap draws reproduce numpy's legacy np.random.choice") {
  const json c = load_case();
  for (const auto& entry : c["numpy_choice"]) {
    NumpyLegacyRandom random(entry["seed"].get<uint32_t>());
    for (const auto& draw : entry["draws"]) {
      CHECK(random.choice_with_replacement(entry["n"].get<size_t>(), entry["size"].get<size_t>()) ==
            draw.get<std::vector<size_t>>());
    }
  }
  CHECK(bootstrap_sample_size(868, 0.8) == 694);
  CHECK(bootstrap_sample_size(5, 0.5) == 2);  // 2.5 rounds half to even, as Python's round
  CHECK(bootstrap_sample_size(7, 0.5) == 4);  // 3.5 -> 4
}

TEST_CASE("bootstrap mean and population std match the reference") {
  const json c = load_case();
  const auto patients = patients_of(c);
  const DdiMatrix ddi = ddi_of(c);
  BootstrapOptions options;
  options.seed = c["bootstrap"]["seed"].get<uint32_t>();
  const auto samples = bootstrap_samples(patients.size(), options);
  REQUIRE(samples.size() == 10);
  for (size_t r = 0; r < samples.size(); ++r) {
    CHECK(samples[r] == c["bootstrap"]["samples"][r].get<std::vector<size_t>>());
  }
  const BootstrapResult result = bootstrap_evaluate(patients, ddi, {}, options);
  check_summary(result.mean, c["bootstrap"]["mean"]);
  check_summary(result.std, c["bootstrap"]["std"]);
}

TEST_CASE("bootstrap is deterministic for a seed and changes with it") {
  const json c = load_case();
  const auto patients = patients_of(c);
  const DdiMatrix ddi = ddi_of(c);
  BootstrapOptions a;
  a.seed = 7;
  const auto first = bootstrap_evaluate(patients, ddi, {}, a);
  const auto second = bootstrap_evaluate(patients, ddi, {}, a);
  CHECK(first.mean.jaccard == second.mean.jaccard);
  CHECK(first.std.prauc == second.std.prauc);
  BootstrapOptions b = a;
  b.seed = 8;
  CHECK(bootstrap_samples(patients.size(), a) != bootstrap_samples(patients.size(), b));
}

TEST_CASE("metric edge cases") {
  // Nothing predicted: precision, F1 and Jaccard are 0, recall 0.
  VisitScores s = score_visit({1, 2}, {0.1, 0.2, 0.3}, 0.5);
  CHECK(s.precision == 0);
  CHECK(s.recall == 0);
  CHECK(s.f1 == 0);
  CHECK(s.jaccard == 0);
  // Threshold is inclusive.
  s = score_visit({0}, {0.5, 0.49}, 0.5);
  CHECK(s.jaccard == 1);
  CHECK(s.prauc == 1);
  // Empty target and empty prediction: 0, not a division by zero.
  s = score_visit({}, {0.1, 0.2}, 0.5);
  CHECK(s.jaccard == 0);
  CHECK_THROWS_AS(score_visit({5}, {0.1, 0.2}, 0.5), std::out_of_range);
  // DDI rate: one interacting pair out of three.
  DdiMatrix ddi(3);
  ddi.add(0, 2);
  CHECK(ddi_rate({{0, 1, 2}}, ddi) == doctest::Approx(1.0 / 3.0));
  CHECK(ddi_rate({{0}, {}}, ddi) == 0);
  CHECK_THROWS_AS(parse_averaging("batch:0"), std::invalid_argument);
  CHECK_THROWS_AS(parse_averaging("mean"), std::invalid_argument);
}

TEST_CASE("bootstrap with zero rounds or empty samples is an error, not NaN metrics") {
  const json c = load_case();
  const auto patients = patients_of(c);
  const DdiMatrix ddi = ddi_of(c);
  BootstrapOptions options;
  options.rounds = 0;
  CHECK_THROWS_WITH_AS(bootstrap_evaluate(patients, ddi, {}, options),
                       "bootstrap: rounds is 0, it must be at least 1", std::invalid_argument);
  options.rounds = 10;
  options.fraction = 1e-9;
  CHECK_THROWS_WITH_AS(bootstrap_evaluate(patients, ddi, {}, options), doctest::Contains("draws 0 per round"),
                       std::invalid_argument);
  options.fraction = std::nan("");
  CHECK_THROWS_AS(bootstrap_evaluate(patients, ddi, {}, options), std::invalid_argument);
}
