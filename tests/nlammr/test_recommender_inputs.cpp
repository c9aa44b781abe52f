// The recommender builds a visit's inputs as the run's text bank built them:
// for a cohort patient it must give the probabilities that evaluation gives
// for the same visit, whichever way the run reads visits ("concat" or
// "codes"), and its explanation must add up.
#include <doctest/doctest.h>

#include <cmath>

#include "engine/autograd.h"
#include "models/nlammr/inference/recommender.h"
#include "models/nlammr/training/trainer.h"
#include "tests/nlammr/nlammr_test_support.h"

using namespace nlammr;

namespace {

void check_same_as_evaluation(const std::string& visit_text) {
  INFO("visit_text " << visit_text);
  const EncodeTextsFn encode = nlammr::testing::hashing_encoder();
  NlammrData data(nlammr::testing::tiny_training_cohort(), encode, visit_text, Device::cpu());
  NlammrConfig config;
  config.latent_dim = 16, config.gnn_dim = 8, config.gnn_layers = 2;
  config.text_dim = data.text->dim();
  config.visit_text = visit_text;
  Generator init(3);
  NlammrModel model(config, init, std::make_shared<Generator>(4));
  Tensor classes;
  {
    NoGradGuard no_grad;
    classes = data.text->classes();
  }
  size_t checked = 0;
  for (size_t p = 0; p < data.cohort.patients.size() && checked < 4; ++p) {
    const Patient& patient = data.cohort.patients[p];
    if (patient.visits.size() < 2) continue;
    const int64_t last = data.index.id(p, patient.visits.size() - 1);
    const std::vector<double> expected = predict_visits(model, data, {last}, 8).at(0);
    const Recommendation rec =
        recommend(model, data.cohort, data.molecules, classes, encode, query_of_patient(data.cohort, patient), 0.5, true);
    REQUIRE(rec.ranked.size() == expected.size());
    for (const RecommendedClass& c : rec.ranked) {
      INFO("patient " << patient.id << ", class " << c.code);
      CHECK(c.probability == doctest::Approx(expected[static_cast<size_t>(data.cohort.medications.find(c.code))]).epsilon(1e-5));
    }
    for (const ClassExplanation& c : rec.explanation.classes)
      CHECK(1.0 / (1.0 + std::exp(-(c.text_share + c.history_share + c.codes_share))) ==
            doctest::Approx(c.probability).epsilon(1e-4));
    ++checked;
  }
  CHECK(checked > 0);
}

}  // namespace

TEST_CASE("recommend gives a cohort patient the probabilities evaluation gives") {
  check_same_as_evaluation("concat");
  check_same_as_evaluation("codes");
}
