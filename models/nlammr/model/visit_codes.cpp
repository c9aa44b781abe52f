#include "models/nlammr/model/visit_codes.h"

#include <stdexcept>
#include <string>

namespace nlammr {

int64_t code_table_rows(const NlammrConfig& c) {
  return c.num_diagnosis_codes + c.num_procedure_codes + c.num_medication_classes;
}

VisitCodeLists cohort_visit_codes(const Cohort& cohort, const VisitIndex& index, int64_t id,
                                  const std::vector<int64_t>& earlier_visits) {
  const Visit& v = cohort.patients[index.patient_of(id)].visits[index.visit_of(id)];
  VisitCodeLists lists{v.diagnoses, v.procedures, {}};
  for (int64_t earlier : earlier_visits) {
    const Visit& e = cohort.patients[index.patient_of(earlier)].visits[index.visit_of(earlier)];
    lists.earlier_medications.insert(lists.earlier_medications.end(), e.medications.begin(), e.medications.end());
  }
  return lists;
}

void attach_visit_codes(VisitInputs& in, const std::vector<VisitCodeLists>& visits, const NlammrConfig& c) {
  std::vector<int64_t> ids, offsets{0};
  auto add = [&](const std::vector<int>& codes, int64_t base, int64_t count, const char* what) {
    for (int code : codes) {
      if (code < 0 || code >= count)
        throw std::runtime_error(std::string("code embeddings: ") + what + " index " + std::to_string(code) +
                                 " outside the model's " + std::to_string(count) + " (a different cohort?)");
      ids.push_back(base + code);
    }
  };
  for (const VisitCodeLists& v : visits) {
    add(v.diagnoses, 0, c.num_diagnosis_codes, "diagnosis");
    add(v.procedures, c.num_diagnosis_codes, c.num_procedure_codes, "procedure");
    add(v.earlier_medications, c.num_diagnosis_codes + c.num_procedure_codes, c.num_medication_classes,
        "medication");
    offsets.push_back(static_cast<int64_t>(ids.size()));
  }
  const Device device = in.full.defined() ? in.full.device() : Device::cpu();
  in.code_ids = Tensor::from_vector(ids, {static_cast<int64_t>(ids.size())}).to(device);
  in.code_offsets = Tensor::from_vector(offsets, {static_cast<int64_t>(offsets.size())}).to(device);
}

void attach_cohort_codes(VisitInputs& in, const Cohort& cohort, const VisitIndex& index,
                         const std::vector<int64_t>& ids, const HistorySlots& history, const NlammrConfig& config) {
  std::vector<VisitCodeLists> lists;
  lists.reserve(ids.size());
  for (size_t b = 0; b < ids.size(); ++b)
    lists.push_back(cohort_visit_codes(cohort, index, ids[b], history.rows_of(static_cast<int64_t>(b))));
  attach_visit_codes(in, lists, config);
}

}  // namespace nlammr
