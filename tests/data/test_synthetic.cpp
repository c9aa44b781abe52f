// The synthetic cohort: deterministic per seed, well-formed, and harder for
// code statistics than for a predictor that knows what texts and history
// reveal.
#include <doctest/doctest.h>

#include "data/cohort/atc3_names.h"
#include "data/synthetic/synthetic_cohort.h"
#include "io/text_table.h"
#include "models/nlammr/evaluation/baselines.h"
#include "models/nlammr/evaluation/metrics.h"
#include "tests/data/data_test_helpers.h"

using namespace nlammr;
using nlammr::testing::ScratchDir;

TEST_CASE("synthetic cohort: the same seed gives the same files, another seed other ones") {
  SyntheticOptions options;
  options.patients = 80;
  options.seed = 7;
  ScratchDir a("synth_a"), b("synth_b"), c("synth_c");
  write_cohort(generate_synthetic_cohort(options).cohort, a.path());
  write_cohort(generate_synthetic_cohort(options).cohort, b.path());
  options.seed = 8;
  write_cohort(generate_synthetic_cohort(options).cohort, c.path());
  for (const char* f : {"cohort.jsonl", "diagnoses.tsv", "medications.tsv", "ddi.tsv"}) {
    CAPTURE(f);
    CHECK(read_text_file(a.file(f)) == read_text_file(b.file(f)));
  }
  CHECK(read_text_file(a.file("cohort.jsonl")) != read_text_file(c.file("cohort.jsonl")));
}

TEST_CASE("synthetic cohort: well-formed, complete dictionaries, reads back strictly") {
  SyntheticOptions options;
  options.patients = 300;
  const SyntheticCohort s = generate_synthetic_cohort(options);
  const Cohort& c = s.cohort;
  REQUIRE(c.patients.size() == 300);
  size_t with_text = 0, visits = 0;
  for (const Patient& p : c.patients) {
    CHECK(p.visits.size() >= 2);
    CHECK(p.visits.size() <= 5);
    for (const Visit& v : p.visits) {
      ++visits;
      CHECK(!v.diagnoses.empty());
      CHECK(!v.medications.empty());
      with_text += v.symptoms.empty() ? 0 : 1;
    }
  }
  CHECK(with_text > visits * 8 / 10);
  CHECK(with_text < visits);  // some visits come without texts
  for (const auto& t : c.diagnosis_titles) CHECK(!t.long_title.empty());
  for (const auto& t : c.procedure_titles) CHECK(!t.short_title.empty());
  for (size_t m = 0; m < c.medications.size(); ++m) {
    CAPTURE(c.medications.code(static_cast<int>(m)));
    CHECK(atc3_name(c.medications.code(static_cast<int>(m))) != nullptr);
    CHECK(!c.medication_names[m].empty());
    // Insulins (A10A) are proteins without a small-molecule SMILES.
    if (c.medications.code(static_cast<int>(m)) != "A10A") CHECK(!c.medication_smiles[m].empty());
  }
  CHECK(c.ddi.pairs().size() >= 15);
  REQUIRE(s.medication_probabilities.size() == c.patients.size());
  for (size_t p = 0; p < c.patients.size(); ++p) {
    REQUIRE(s.medication_probabilities[p].size() == c.patients[p].visits.size());
    for (const auto& row : s.medication_probabilities[p]) CHECK(row.size() == c.medications.size());
  }
  ScratchDir dir("synth_roundtrip");
  write_cohort(c, dir.path());
  CohortReadReport report;
  const Cohort back = read_cohort(dir.path(), {}, &report);
  CHECK(back.visit_count() == c.visit_count());
  CHECK(report.unknown_codes.empty());
}

TEST_CASE("synthetic cohort: the latent-state oracle beats code statistics by a wide margin") {
  SyntheticOptions options;
  options.patients = 600;
  const SyntheticCohort s = generate_synthetic_cohort(options);
  const Cohort& c = s.cohort;
  const CohortSplit split = reference_split(c.patients.size());
  CodeFrequencyBaseline frequency(c, split.train);
  frequency.tune(c, split.validation);
  const MetricSummary baseline = evaluate(predict_patients(frequency, c, split.test), c.ddi);
  std::vector<PatientPredictions> oracle;
  for (size_t p : split.test) {
    PatientPredictions visits;
    for (size_t v = 0; v < c.patients[p].visits.size(); ++v) {
      visits.push_back({c.patients[p].visits[v].medications, s.medication_probabilities[p][v]});
    }
    oracle.push_back(visits);
  }
  const MetricSummary best = evaluate(oracle, c.ddi);
  MESSAGE("test Jaccard: code frequency " << baseline.jaccard << ", oracle " << best.jaccard);
  CHECK(best.jaccard > baseline.jaccard + 0.12);
  CHECK(baseline.jaccard > 0.25);  // the codes do carry signal
}
