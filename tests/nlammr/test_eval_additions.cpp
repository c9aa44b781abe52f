// The validation-chosen threshold and the cohort summary printed by eval.
#include <doctest/doctest.h>

#include "models/nlammr/evaluation/cohort_summary.h"
#include "models/nlammr/evaluation/threshold.h"
#include "tests/nlammr/nlammr_test_support.h"

using namespace nlammr;

TEST_CASE("the chosen threshold is the grid point with the best validation Jaccard") {
  // Two classes; the true one always scores 0.35, the false one 0.30: only
  // thresholds in (0.30, 0.35] give every visit a perfect set.
  std::vector<PatientPredictions> validation = {{{{0}, {0.35, 0.30}}, {{0}, {0.35, 0.30}}}, {{{0}, {0.35, 0.30}}}};
  DdiMatrix ddi(2);
  const double t = choose_threshold(validation, ddi);
  CHECK(t > 0.30);
  CHECK(t <= 0.35);
  EvaluationOptions at;
  at.threshold = t;
  CHECK(evaluate(validation, ddi, at).jaccard == doctest::Approx(1.0));
  // With scores that make 0.5 as good as anything, 0.5 is kept.
  std::vector<PatientPredictions> clear = {{{{1}, {0.01, 0.99}}}};
  CHECK(choose_threshold(clear, ddi) == doctest::Approx(0.5));
  CHECK_THROWS_AS(choose_threshold({}, ddi), std::invalid_argument);
  CHECK_THROWS_AS(choose_threshold(clear, ddi, {}, {0.6, 0.4, 0.02}), std::invalid_argument);
}

TEST_CASE("the cohort summary counts the split and the ground truth's DDI rate") {
  Cohort cohort = nlammr::testing::tiny_training_cohort();
  const std::vector<size_t> split = {0, 1};
  size_t visits = 0, meds = 0, pairs = 0, interacting = 0;
  for (size_t p : split) {
    for (const Visit& v : cohort.patients[p].visits) {
      ++visits, meds += v.medications.size();
      for (size_t i = 0; i < v.medications.size(); ++i)
        for (size_t j = i + 1; j < v.medications.size(); ++j) {
          ++pairs;
          interacting += cohort.ddi.interacts(v.medications[i], v.medications[j]);
        }
    }
  }
  const CohortSummary s = summarize_cohort(cohort, split);
  CHECK(s.patients == 2);
  CHECK(s.visits == visits);
  CHECK(s.cohort_patients == cohort.patients.size());
  CHECK(s.cohort_visits == cohort.visit_count());
  CHECK(s.medication_classes == cohort.medications.size());
  CHECK(s.meds_per_visit == doctest::Approx(static_cast<double>(meds) / static_cast<double>(visits)));
  CHECK(s.ground_truth_ddi == doctest::Approx(pairs ? static_cast<double>(interacting) / pairs : 0.0));
  CHECK(s.describe().find("ground-truth DDI rate") != std::string::npos);
  CHECK(s.to_json().at("visits") == visits);
}
