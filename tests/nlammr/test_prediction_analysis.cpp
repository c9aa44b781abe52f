// The report's analyses of predictions, on hand-made cases whose answers are
// counted by hand.
#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>

#include "models/nlammr/evaluation/prediction_analysis.h"

using namespace nlammr;

namespace {

// Two patients, three visits, three classes; classes 0 and 2 interact.
std::vector<PatientPredictions> three_visits() {
  return {
      {{{0, 1}, {0.9, 0.2, 0.7}},   // recommends {0, 2}: hit 0, miss 1, false 2
       {{1}, {0.1, 0.6, 0.05}}},    // recommends {1}: hit
      {{{0, 2}, {0.8, 0.55, 0.65}}},  // recommends {0, 1, 2}: hits 0 and 2, false 1
  };
}

DdiMatrix ddi_0_2() {
  DdiMatrix ddi(3);
  ddi.add(0, 2);
  return ddi;
}

}  // namespace

TEST_CASE("per-class quality pools the visits at the threshold") {
  const std::vector<ClassQuality> q = per_class_quality(three_visits(), 3, 0.5);
  REQUIRE(q.size() == 3);
  // Class 0: given twice, recommended twice, both hits.
  CHECK(q[0].support == 2);
  CHECK(q[0].predicted == 2);
  CHECK(q[0].f1 == doctest::Approx(1.0));
  // Class 1: given twice, recommended twice (visits 2 and 3), one hit.
  CHECK(q[1].support == 2);
  CHECK(q[1].hits == 1);
  CHECK(q[1].precision == doctest::Approx(0.5));
  CHECK(q[1].recall == doctest::Approx(0.5));
  CHECK(q[1].f1 == doctest::Approx(0.5));
  // Class 2: given once, recommended twice, one hit: P 1/2, R 1, F1 2/3.
  CHECK(q[2].f1 == doctest::Approx(2.0 / 3.0));
  CHECK_THROWS_AS(per_class_quality(three_visits(), 4, 0.5), std::runtime_error);
}

TEST_CASE("reliability bins count every probability once") {
  const std::vector<ReliabilityBin> bins = reliability_bins(three_visits(), 2);
  REQUIRE(bins.size() == 2);
  // [0, 0.5): 0.2, 0.1, 0.05 -> one given (0.2 of class 1 in visit 1).
  CHECK(bins[0].count == 3);
  CHECK(bins[0].mean_probability == doctest::Approx((0.2 + 0.1 + 0.05) / 3));
  CHECK(bins[0].observed_rate == doctest::Approx(1.0 / 3));
  // [0.5, 1]: 0.9, 0.7, 0.6, 0.8, 0.55, 0.65 -> given: 0.9, 0.6, 0.8, 0.65.
  CHECK(bins[1].count == 6);
  CHECK(bins[1].observed_rate == doctest::Approx(4.0 / 6));
  const double ece = (3 * std::abs(1.0 / 3 - (0.35 / 3)) + 6 * std::abs(4.0 / 6 - (4.2 / 6))) / 9;
  CHECK(expected_calibration_error(bins) == doctest::Approx(ece));
}

TEST_CASE("recommended interacting pairs and the ground truth's DDI rate") {
  const DdiMatrix ddi = ddi_0_2();
  const std::vector<InteractingPair> pairs = recommended_interactions(three_visits(), ddi, 0.5);
  REQUIRE(pairs.size() == 1);
  CHECK(pairs[0].a == 0);
  CHECK(pairs[0].b == 2);
  CHECK(pairs[0].recommended == 2);  // visits 1 and 3
  CHECK(pairs[0].given == 1);        // visit 3
  // Truth: pairs (0,1) and (0,2); one of two interacts.
  CHECK(ground_truth_ddi_rate(three_visits(), ddi) == doctest::Approx(0.5));
  CHECK(recommended_interactions(three_visits(), DdiMatrix(), 0.5).empty());
}
