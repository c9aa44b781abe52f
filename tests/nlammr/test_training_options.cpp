// The options beyond the reference: learning-rate decay, code dropout, masking
// of empty visit parts, and the named presets.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>

#include "models/nlammr/model/presets.h"
#include "models/nlammr/model/visit_codes.h"
#include "models/nlammr/training/trainer.h"
#include "tests/data/data_test_helpers.h"
#include "tests/nlammr/nlammr_test_support.h"

using namespace nlammr;
using nlammr::testing::ScratchDir;

namespace {

NlammrConfig small_model() {
  NlammrConfig m;
  m.text_dim = 16;  // the hashing encoder's width
  m.latent_dim = 16;
  m.gnn_dim = 8;
  m.gnn_layers = 2;
  return m;
}

}  // namespace

TEST_CASE("the learning rate decays by lr_decay every epoch and the metrics record it") {
  CHECK(scheduled_learning_rate(1e-3, 0.5, 1) == doctest::Approx(1e-3));
  CHECK(scheduled_learning_rate(1e-3, 0.5, 3) == doctest::Approx(2.5e-4));
  CHECK(scheduled_learning_rate(1e-3, 1.0, 40) == doctest::Approx(1e-3));

  ScratchDir dir("lr_decay");
  NlammrData data(nlammr::testing::tiny_training_cohort(), nlammr::testing::hashing_encoder(), "concat",
                  Device::cpu());
  TrainConfig train;
  train.epochs = 3, train.batch_size = 4, train.lr = 4e-3, train.lr_scale = 0.5, train.lr_decay = 0.5;
  Trainer trainer(data, small_model(), train);
  TrainOptions options;
  options.run_dir = dir.path();
  trainer.run(options);
  std::ifstream in(dir.file("metrics.jsonl"));
  std::vector<double> rates;
  for (std::string line; std::getline(in, line);) rates.push_back(nlohmann::json::parse(line).at("lr"));
  REQUIRE(rates.size() == 3);
  CHECK(rates[0] == doctest::Approx(2e-3));
  CHECK(rates[1] == doctest::Approx(1e-3));
  CHECK(rates[2] == doctest::Approx(5e-4));
  CHECK(trainer.learning_rate() == doctest::Approx(5e-4));
  // Out of range is refused with the field named.
  train.lr_decay = 1.5;
  CHECK_THROWS_WITH_AS(train.validate(), doctest::Contains("lr_decay"), std::runtime_error);
}

TEST_CASE("code dropout leaves whole codes out in training only") {
  // The table's forward with a keep vector: a code with keep 0 adds nothing.
  CodeTable table(3, 2, DType::Float32);
  table.weight = Tensor::from_vector(std::vector<float>{1, 2, 10, 20, 100, 200}, {3, 2});
  const Tensor ids = Tensor::from_vector(std::vector<int64_t>{0, 1, 2}, {3});
  const Tensor offsets = Tensor::from_vector(std::vector<int64_t>{0, 3}, {2});
  const Tensor keep = Tensor::from_vector(std::vector<float>{1, 0, 2}, {3, 1});
  CHECK(table.forward(ids, offsets, keep).to_vector<float>() == std::vector<float>{201, 402});
  CHECK(table.forward(ids, offsets).to_vector<float>() == std::vector<float>{111, 222});

  // In the model: training passes differ from each other (codes dropped at
  // random), evaluation passes are the same with and without code dropout.
  NlammrData data(nlammr::testing::tiny_training_cohort(), nlammr::testing::hashing_encoder(16), "codes",
                  Device::cpu());
  NlammrConfig config = small_model();
  config.use_code_embeddings = true;
  config.num_diagnosis_codes = static_cast<int64_t>(data.cohort.diagnoses.size());
  config.num_procedure_codes = static_cast<int64_t>(data.cohort.procedures.size());
  config.num_medication_classes = data.num_medications();
  config.dropout = 0;  // only the codes are dropped
  NlammrConfig dropped = config;
  dropped.code_dropout = 0.5;
  Generator g1(3), g2(3);
  NlammrModel plain(config, g1, std::make_shared<Generator>(1));
  NlammrModel with_dropout(dropped, g2, std::make_shared<Generator>(1));
  // Distinct non-zero code vectors (row r is r + 1 everywhere), the same in
  // both models, so that a sum tells which codes were kept.
  std::vector<float> values;
  for (int64_t r = 0; r < code_table_rows(config); ++r) values.insert(values.end(), 16, static_cast<float>(r + 1));
  Tensor rows = Tensor::from_vector(values, {code_table_rows(config), 16});
  plain.load_state_dict({{"code_table.weight", rows}}, /*strict=*/false);
  with_dropout.load_state_dict({{"code_table.weight", rows}}, /*strict=*/false);
  const std::vector<int64_t> ids_batch = {data.index.id(1, 2), data.index.id(3, 0)};
  auto latent = [&](const NlammrModel& model) {
    VisitInputs in = data.text->visits(data.index, ids_batch, model.config().max_visit_num);
    attach_cohort_codes(in, data.cohort, data.index, ids_batch, model.config());
    return model.patient_latent(in).to_vector<float>();
  };
  plain.eval(), with_dropout.eval();
  CHECK(latent(plain) == latent(with_dropout));
  plain.train(), with_dropout.train();
  const std::vector<float> first = latent(with_dropout);
  bool differs = false;
  for (int pass = 0; pass < 4; ++pass) differs = differs || latent(with_dropout) != first;
  CHECK(differs);
  CHECK(first != latent(plain));
  CHECK(latent(plain) == latent(plain));
}

TEST_CASE("masking empty parts takes the empty symptom slot out of the attention") {
  NlammrData data(nlammr::testing::tiny_training_cohort(), nlammr::testing::hashing_encoder(16), "concat",
                  Device::cpu());
  const std::vector<int64_t> ids = {data.index.id(0, 0), data.index.id(2, 1)};
  VisitInputs in = data.text->visits(data.index, ids, 2);
  // The tiny cohort has no symptom texts: slot 0 is all zeros.
  const std::vector<float> parts = in.parts.contiguous().to_vector<float>();
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t k = 0; k < 16; ++k) REQUIRE(parts[static_cast<size_t>(b * 3 * 16 + k)] == 0.0f);
  NlammrConfig config = small_model();
  for (bool mask : {false, true}) {
    config.mask_empty_parts = mask;
    Generator g(5);
    NlammrModel model(config, g, std::make_shared<Generator>(1));
    model.eval();
    model.patient_latent(in);
    const std::vector<float> w = model.description_attention().last_weights().to_vector<float>();
    REQUIRE(w.size() == 6);
    INFO("mask " << mask);
    for (int64_t b = 0; b < 2; ++b) {
      CHECK((w[static_cast<size_t>(b * 3)] == 0.0f) == mask);
      CHECK(w[static_cast<size_t>(b * 3)] + w[static_cast<size_t>(b * 3 + 1)] + w[static_cast<size_t>(b * 3 + 2)] ==
            doctest::Approx(1.0));
    }
  }
}

TEST_CASE("presets: reference is the official setting, best the measured one, options survive run.json") {
  const TrainingPreset ref = training_preset("reference");
  CHECK(ref.model.visit_text == "concat");
  CHECK(ref.train.lr == doctest::Approx(5e-4));
  CHECK(ref.train.lr_scale == doctest::Approx(0.1));
  CHECK(ref.train.epochs == 110);
  CHECK(ref.train.patience == 0);
  CHECK(ref.train.lr_decay == 1.0);
  CHECK_FALSE(ref.normalize_texts);
  CHECK_FALSE(ref.model.use_code_embeddings);
  CHECK(ref.model.ddi_weight == 0.0);
  CHECK(ref.model.code_dropout == 0.0);
  CHECK_FALSE(ref.model.mask_empty_parts);
  CHECK(ref.model.max_visit_num == 2);

  const TrainingPreset best = training_preset("best");
  CHECK(best.model.use_code_embeddings);
  CHECK(best.train.patience > 0);
  CHECK(best.model.to_json() != ref.model.to_json());
  CHECK_THROWS_WITH_AS(training_preset("fast"), doctest::Contains("known: best, reference"), std::runtime_error);

  // Every new field is written and read back.
  NlammrConfig m = best.model;
  m.code_dropout = 0.3, m.mask_empty_parts = true;
  m.num_diagnosis_codes = 4, m.num_procedure_codes = 2, m.num_medication_classes = 3;
  CHECK(NlammrConfig::from_json(m.to_json()).to_json() == m.to_json());
  TrainConfig t = best.train;
  t.lr_decay = 0.8;
  CHECK(TrainConfig::from_json(t.to_json()).to_json() == t.to_json());
}
