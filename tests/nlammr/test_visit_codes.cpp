// Code embeddings (use_code_embeddings): the CSR of a batch's code ids, the
// model's starting point (the text-only model), and which rows training moves.
#include <doctest/doctest.h>

#include "models/nlammr/inputs/nlammr_data.h"
#include "models/nlammr/training/trainer.h"
#include "models/nlammr/model/visit_codes.h"
#include "tests/nlammr/nlammr_test_support.h"

using namespace nlammr;

namespace {

NlammrConfig small_model(bool codes) {
  NlammrConfig m;
  m.text_dim = 16;
  m.latent_dim = 16;
  m.gnn_dim = 8;
  m.gnn_layers = 2;
  m.visit_text = "codes";
  m.use_code_embeddings = codes;
  if (codes) m.num_diagnosis_codes = 6, m.num_procedure_codes = 2, m.num_medication_classes = 5;
  return m;
}

std::vector<int64_t> to_vec(const Tensor& t) { return t.to(DType::Int64).to_vector<int64_t>(); }

}  // namespace

TEST_CASE("a batch's codes become one id range per kind, with the earlier visits' medications") {
  Cohort cohort = nlammr::testing::tiny_training_cohort();
  VisitIndex index(cohort);
  NlammrConfig config = small_model(true);
  config.max_visit_num = 2;
  // Patient 1 has three visits: its third sees the medications of both earlier ones.
  const int64_t third = index.id(1, 2), first = index.id(0, 0);
  VisitInputs in;
  attach_cohort_codes(in, cohort, index, {first, third}, config);

  std::vector<int64_t> expected;
  for (int d : cohort.patients[0].visits[0].diagnoses) expected.push_back(d);
  for (int p : cohort.patients[0].visits[0].procedures) expected.push_back(6 + p);
  const int64_t first_len = static_cast<int64_t>(expected.size());  // no earlier visit
  const Visit& v = cohort.patients[1].visits[2];
  for (int d : v.diagnoses) expected.push_back(d);
  for (int p : v.procedures) expected.push_back(6 + p);
  for (int e = 0; e < 2; ++e)
    for (int m : cohort.patients[1].visits[e].medications) expected.push_back(8 + m);
  CHECK(to_vec(in.code_ids) == expected);
  CHECK(to_vec(in.code_offsets) == std::vector<int64_t>{0, first_len, static_cast<int64_t>(expected.size())});

  // max_visit_num 1: only the visit just before.
  config.max_visit_num = 1;
  VisitCodeLists lists = cohort_visit_codes(cohort, index, third, 1);
  CHECK(lists.earlier_medications == cohort.patients[1].visits[1].medications);
}

TEST_CASE("a code index outside the model's table is an error naming the kind") {
  NlammrConfig config = small_model(true);
  VisitInputs in;
  CHECK_THROWS_WITH_AS(attach_visit_codes(in, {{{6}, {}, {}}}, config),
                       doctest::Contains("diagnosis index 6 outside the model's 6"), std::runtime_error);
  CHECK_THROWS_WITH_AS(attach_visit_codes(in, {{{}, {}, {5}}}, config),
                       doctest::Contains("medication index 5"), std::runtime_error);
  NlammrConfig no_counts = small_model(false);
  no_counts.use_code_embeddings = true;
  CHECK_THROWS_WITH_AS(no_counts.validate(), doctest::Contains("code counts"), std::runtime_error);
  // The counts survive the run's JSON.
  CHECK(NlammrConfig::from_json(config.to_json()).to_json() == config.to_json());
}

TEST_CASE("code embeddings start as the text-only model and training moves only the rows it sees") {
  NlammrData data(nlammr::testing::tiny_training_cohort(), nlammr::testing::hashing_encoder(16), "codes",
                  Device::cpu());
  const std::vector<int64_t> ids = {data.index.id(0, 1), data.index.id(3, 0), data.index.id(5, 1)};

  auto scores_of = [&](const NlammrModel& model, bool codes) {
    VisitInputs in = data.text->visits(data.index, ids, model.config().max_visit_num);
    if (codes) attach_cohort_codes(in, data.cohort, data.index, ids, model.config());
    return NlammrModel::scores(model.patient_latent(in), model.medication_latent(data.text->classes(), data.molecules));
  };
  Generator g1(7), g2(7);
  NlammrModel plain(small_model(false), g1, std::make_shared<Generator>(1));
  NlammrModel with_codes(small_model(true), g2, std::make_shared<Generator>(1));
  plain.eval(), with_codes.eval();
  CHECK(scores_of(plain, false).to_vector<float>() == scores_of(with_codes, true).to_vector<float>());
  VisitInputs missing = data.text->visits(data.index, ids, 2);
  CHECK_THROWS_WITH_AS(with_codes.patient_latent(missing), doctest::Contains("code ids"), std::runtime_error);

  // One training step: the rows of codes in the batch move, no other row does.
  TrainConfig train;
  train.batch_size = 3;
  train.lr_scale = 1.0;
  Trainer trainer(data, small_model(true), train);
  trainer.train_step(ids);
  const Tensor table = trainer.model().state_dict().at("code_table.weight");
  std::vector<bool> seen(13, false);
  VisitInputs in;
  attach_cohort_codes(in, data.cohort, data.index, ids, trainer.model().config());
  for (int64_t id : to_vec(in.code_ids)) seen[static_cast<size_t>(id)] = true;
  const std::vector<float> w = table.to_vector<float>();
  for (size_t row = 0; row < seen.size(); ++row) {
    double norm = 0;
    for (int64_t k = 0; k < 16; ++k) norm += std::abs(w[row * 16 + k]);
    INFO("row " << row);
    CHECK((norm > 0) == seen[row]);
  }
}
