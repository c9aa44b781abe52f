// The one place a batch's history is laid out (HistorySlots, visit_batch):
// slots, padding and masks for cohort visits and for a recommend query.
#include <doctest/doctest.h>

#include "models/nlammr/inputs/visit_batch.h"
#include "tests/nlammr/nlammr_test_support.h"

using namespace nlammr;

TEST_CASE("history slots: earlier visits oldest first, padded at the end, masked") {
  const Cohort cohort = nlammr::testing::tiny_training_cohort();
  const VisitIndex index(cohort);
  // Patient 1 has three visits; its first has no history, its third two visits.
  const int64_t first = index.id(1, 0), second = index.id(1, 1), third = index.id(1, 2);
  const HistorySlots s = HistorySlots::of_cohort(index, {first, third}, 3);
  CHECK(s.batch == 2);
  CHECK(s.slots == 3);
  CHECK(s.rows == std::vector<int64_t>{-1, -1, -1, first, second, -1});
  CHECK(s.mask == std::vector<uint8_t>{0, 0, 0, 1, 1, 0});
  CHECK(s.rows_of(0).empty());
  CHECK(s.rows_of(1) == std::vector<int64_t>{first, second});
  // max_visit_num keeps the latest visits only; 0 still gives one (masked) slot.
  CHECK(HistorySlots::of_cohort(index, {third}, 1).rows == std::vector<int64_t>{second});
  const HistorySlots none = HistorySlots::of_cohort(index, {third}, 0);
  CHECK(none.slots == 1);
  CHECK(none.mask == std::vector<uint8_t>{0});
  CHECK_THROWS_WITH_AS(HistorySlots::of_cohort(index, {third}, -1), doctest::Contains("negative"), std::runtime_error);
}

TEST_CASE("history slots of a query keep its last visits as training does, and gather their rows") {
  CHECK(HistorySlots::kept_earlier(5, 2) == std::vector<int64_t>{3, 4});
  CHECK(HistorySlots::kept_earlier(1, 2) == std::vector<int64_t>{0});
  const HistorySlots s = HistorySlots::of_one(5, 2);
  CHECK(s.rows == std::vector<int64_t>{0, 1});
  CHECK(s.mask == std::vector<uint8_t>{1, 1});
  const HistorySlots one = HistorySlots::of_one(1, 3);
  CHECK(one.mask == std::vector<uint8_t>{1, 0, 0});
  // [kept, d] rows land in their slots; padded slots are masked whatever they hold.
  const Tensor table = Tensor::from_vector(std::vector<float>{1, 2, 3, 4}, {1, 4});
  const Tensor gathered = one.gather(table);
  CHECK(gathered.shape() == Shape{1, 3, 4});
  const std::vector<float> v = gathered.contiguous().to_vector<float>();
  CHECK(std::vector<float>(v.begin(), v.begin() + 4) == std::vector<float>{1, 2, 3, 4});
  CHECK(one.mask_tensor(Device::cpu()).to(DType::Int64).to_vector<int64_t>() == std::vector<int64_t>{1, 0, 0});
  // No earlier visit: an empty table gives zeros, all masked.
  const HistorySlots empty = HistorySlots::of_one(0, 2);
  const Tensor zeros = empty.gather(Tensor::zeros({0, 4}));
  CHECK(zeros.shape() == Shape{1, 2, 4});
  CHECK(zeros.to_vector<float>() == std::vector<float>(8, 0.0f));
}

TEST_CASE("visit_batch gives the history the same slots for texts and codes") {
  NlammrData data(nlammr::testing::tiny_training_cohort(), nlammr::testing::hashing_encoder(8), "codes",
                  Device::cpu());
  NlammrConfig config = nlammr::testing::small_test_model();
  config.text_dim = 8;
  config.max_visit_num = 2;
  config.use_code_embeddings = true;
  config.num_diagnosis_codes = static_cast<int64_t>(data.cohort.diagnoses.size());
  config.num_procedure_codes = static_cast<int64_t>(data.cohort.procedures.size());
  config.num_medication_classes = data.num_medications();
  const std::vector<int64_t> ids = {data.index.id(1, 2), data.index.id(0, 0)};
  const VisitInputs in = visit_batch(data, ids, config);
  CHECK(in.history.shape() == Shape{2, 2, 8});
  CHECK(in.history_mask.to(DType::Int64).to_vector<int64_t>() == std::vector<int64_t>{1, 1, 0, 0});
  // The first visit's code list ends with the medications of both earlier visits.
  const Cohort& c = data.cohort;
  const size_t own = c.patients[1].visits[2].diagnoses.size() + c.patients[1].visits[2].procedures.size();
  const size_t earlier = c.patients[1].visits[0].medications.size() + c.patients[1].visits[1].medications.size();
  const std::vector<int64_t> offsets = in.code_offsets.to(DType::Int64).to_vector<int64_t>();
  CHECK(offsets[1] == static_cast<int64_t>(own + earlier));
}
