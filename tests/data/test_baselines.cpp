// The previous-visit and code-frequency baselines on a cohort small enough to
// work out by hand.
#include <doctest/doctest.h>

#include "models/nlammr/evaluation/baselines.h"
#include "models/nlammr/evaluation/bootstrap.h"

using namespace nlammr;

namespace {

// Medications A(0) B(1) C(2); diagnoses d0, d1, d9 (d9 only outside training).
//   train P0: {d0} -> {A};  {d0, d1} -> {A, B}
//   train P1: {d1} -> {B, C}
//   valid P2: {d0} -> {A}
//   test  P3: {d0, d1} -> {A, B};  {d9} -> {C}
Cohort tiny_cohort() {
  Cohort c;
  for (const char* m : {"A", "B", "C"}) c.medications.add(m);
  for (const char* d : {"d0", "d1", "d9"}) c.diagnoses.add(d);
  auto visit = [](std::vector<int> dx, std::vector<int> meds) {
    Visit v;
    v.diagnoses = dx;
    v.medications = meds;
    return v;
  };
  c.patients = {
      {"0", {visit({0}, {0}), visit({0, 1}, {0, 1})}},
      {"1", {visit({1}, {1, 2})}},
      {"2", {visit({0}, {0})}},
      {"3", {visit({0, 1}, {0, 1}), visit({2}, {2})}},
  };
  c.resize_tables();
  return c;
}

void check_scores(const std::vector<double>& got, const std::vector<double>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    CAPTURE(i);
    CHECK(got[i] == doctest::Approx(want[i]).epsilon(1e-12));
  }
}

}  // namespace

TEST_CASE("previous-visit baseline copies the last visit and uses prevalence for the first") {
  const Cohort c = tiny_cohort();
  const std::vector<size_t> train = {0, 1};
  check_scores(medication_prevalence(c, train), {2.0 / 3, 2.0 / 3, 1.0 / 3});
  PreviousVisitBaseline baseline(c, train);
  const PatientPredictions p = baseline.predict(c.patients[3]);
  REQUIRE(p.size() == 2);
  check_scores(p[0].scores, {2.0 / 3, 2.0 / 3, 1.0 / 3});
  CHECK(predicted_set(p[0].scores, 0.5) == std::vector<int>{0, 1});
  // Second visit: the first visit's {A, B} at 0.5 + 0.5 p, C at 0.5 p.
  check_scores(p[1].scores, {0.5 + 1.0 / 3, 0.5 + 1.0 / 3, 1.0 / 6});
  CHECK(predicted_set(p[1].scores, 0.5) == std::vector<int>{0, 1});
  CHECK(p[1].target == std::vector<int>{2});
}

TEST_CASE("code-frequency baseline: shrunk P(m | code), mean and max pooling, fallback to prevalence") {
  const Cohort c = tiny_cohort();
  CodeFrequencyBaseline baseline(c, {0, 1});
  // P(m | d0) = (n + p_m) / 3 with n(d0, .) = (2, 1, 0); P(m | d1) with (1, 2, 1).
  check_scores(baseline.raw_scores(c.patients[2].visits[0], CodePooling::kMean), {8.0 / 9, 5.0 / 9, 1.0 / 9});
  const Visit& both = c.patients[3].visits[0];
  check_scores(baseline.raw_scores(both, CodePooling::kMean), {13.0 / 18, 13.0 / 18, 5.0 / 18});
  check_scores(baseline.raw_scores(both, CodePooling::kMax), {8.0 / 9, 8.0 / 9, 4.0 / 9});
  // d9 never occurs in training: the prevalence stands in.
  check_scores(baseline.raw_scores(c.patients[3].visits[1], CodePooling::kMax), {2.0 / 3, 2.0 / 3, 1.0 / 3});
}

TEST_CASE("code-frequency baseline: threshold tuned on validation, then mapped onto 0.5") {
  const Cohort c = tiny_cohort();
  CodeFrequencyBaseline baseline(c, {0, 1});
  // On P2 ({d0} -> {A}), Jaccard is 1 for thresholds in (5/9, 8/9]; the grid's
  // first such value is 0.56, and mean pooling (tried first) keeps the tie.
  CHECK(baseline.tune(c, {2}) == doctest::Approx(1.0));
  CHECK(baseline.pooling() == CodePooling::kMean);
  CHECK(baseline.threshold() == doctest::Approx(0.56));
  const PatientPredictions p = baseline.predict(c.patients[3]);
  // Raw (13/18, 13/18, 5/18) against 0.56: A and B over, C under.
  CHECK(predicted_set(p[0].scores, 0.5) == std::vector<int>{0, 1});
  CHECK(p[0].scores[0] == doctest::Approx(0.5 + 0.5 * (13.0 / 18 - 0.56) / 0.44));
  const MetricSummary s = evaluate(std::vector<PatientPredictions>{p}, DdiMatrix(3));
  // Visit 1: {A, B} for {A, B}; visit 2 (prevalence 2/3, 2/3, 1/3 vs 0.56): {A, B} for {C}.
  CHECK(s.jaccard == doctest::Approx(0.5));
  CHECK(s.avg_meds == doctest::Approx(2.0));
}

TEST_CASE("calibration keeps order and moves the threshold onto 0.5") {
  CHECK(calibrate_to_half(0.3, 0.3) == 0.5);
  CHECK(calibrate_to_half(0.0, 0.3) == 0.0);
  CHECK(calibrate_to_half(1.0, 0.3) == 1.0);
  CHECK(calibrate_to_half(std::nextafter(0.3, 0.0), 0.3) < 0.5);
  double previous = -1;
  for (int i = 0; i <= 100; ++i) {
    const double s = calibrate_to_half(i / 100.0, 0.37);
    CHECK(s > previous);
    previous = s;
  }
}
