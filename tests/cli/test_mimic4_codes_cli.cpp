// A cohort keyed like a MIMIC-IV one (ICD9:/ICD10: prefixes) through train,
// eval and recommend, with codes typed the way people write them.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "data/cohort/cohort.h"
#include "tests/cli/cli_support.h"
#include "tests/nlammr/nlammr_test_support.h"
#include "tests/test_support.h"

using namespace nlammr;
using nlammr::testing::run_nlammr;
using nlammr::testing::ScratchDir;

namespace {

// The tiny cohort with its codes renamed to MIMIC-IV keys (same titles,
// visits and medications).
Cohort tiny_mimic4_cohort() {
  Cohort c = nlammr::testing::tiny_training_cohort();
  Vocabulary dx, px;
  for (const char* code : {"ICD9:4019", "ICD10:E119", "ICD9:4280", "ICD10:N179", "ICD10:J189", "ICD9:2724"})
    dx.add(code);
  for (const char* code : {"ICD9:3893", "ICD10:02HV33Z"}) px.add(code);
  REQUIRE(dx.size() == c.diagnoses.size());
  REQUIRE(px.size() == c.procedures.size());
  c.diagnoses = dx, c.procedures = px;
  return c;
}

}  // namespace

TEST_CASE("MIMIC-IV code keys: train, eval and recommend with bare and dotted codes") {
  ScratchDir tmp("cli_mimic4_codes");
  const std::string data = tmp.path() + "/cohort", run = tmp.path() + "/run";
  write_cohort(tiny_mimic4_cohort(), data);
  const std::string common = " --model " + testing::fixture_path("bert/tiny") + " --cache " + tmp.path() + "/cache";
  // The default preset: codes texts and code embeddings, both keyed by the prefixed codes.
  auto train = run_nlammr("train --data " + data + " --out " + run + common +
                              " --epochs 2 --batch-size 4 --latent-dim 16 --gnn-dim 8 --gnn-layers 2 --threads 1",
                          tmp);
  INFO(train.output);
  REQUIRE(train.status == 0);

  auto eval = run_nlammr("eval --run " + run + " --bootstrap 3 --seed 42 --tune-threshold --cache " + tmp.path() +
                             "/cache",
                         tmp);
  INFO(eval.output);
  REQUIRE(eval.status == 0);
  CHECK(eval.output.find("cohort: 24 patients, 60 visits, 5 medication classes") != std::string::npos);
  CHECK(eval.output.find("ground-truth DDI rate") != std::string::npos);
  nlohmann::json report = nlohmann::json::parse(read_file(run + "/eval_test.json"));
  CHECK(report.at("results").size() == 4);  // the model at 0.5 and at the validation threshold, two baselines
  CHECK(report.at("seed") == 42);
  CHECK(report.at("cohort").at("patients") == report.at("patients"));
  const double t = report.at("validation_threshold");
  CHECK(t >= 0.2);
  CHECK(t <= 0.8);

  auto rec = run_nlammr("recommend --run " + run + " --diagnoses 401.9,e119,ICD10:N179,ICD10:4280,ZZZ --json", tmp);
  INFO(rec.output);
  REQUIRE(rec.status == 0);
  nlohmann::json j = nlohmann::json::parse(rec.output.substr(rec.output.find('{')));
  CHECK(j.at("unknown_codes") == nlohmann::json::array({"diagnosis ICD10:4280", "diagnosis ZZZ"}));
  const std::string text = j.at("visit_text");
  CHECK(text.find("Hypertension") != std::string::npos);
  CHECK(text.find("Diabetes mellitus") != std::string::npos);
  CHECK(text.find("Acute kidney failure") != std::string::npos);
}
