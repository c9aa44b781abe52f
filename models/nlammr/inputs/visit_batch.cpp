#include "models/nlammr/inputs/visit_batch.h"

#include "models/nlammr/model/visit_codes.h"

namespace nlammr {

VisitInputs visit_batch(const NlammrData& data, const std::vector<int64_t>& ids, const NlammrConfig& config) {
  const HistorySlots history = HistorySlots::of_cohort(data.index, ids, config.max_visit_num);
  VisitInputs in = data.text->visits(ids, history);
  if (config.use_code_embeddings) attach_cohort_codes(in, data.cohort, data.index, ids, history, config);
  return in;
}

}  // namespace nlammr
