// A batch of cohort visits as the model reads it (VisitInputs), assembled in
// one place for training, validation, evaluation and the tests: each visit's
// history slots are laid out once (HistorySlots), and the same slots feed
// the text features (the earlier visits' medication vectors) and, with code
// embeddings, the visit's code list (its earlier visits' medication codes).
// `recommend` builds its one visit from a query with the same pieces
// (HistorySlots::of_one, attach_visit_codes).
#pragma once

#include <cstdint>
#include <vector>

#include "models/nlammr/inputs/nlammr_data.h"
#include "models/nlammr/model/config.h"
#include "models/nlammr/model/nlammr_model.h"

namespace nlammr {

VisitInputs visit_batch(const NlammrData& data, const std::vector<int64_t>& ids, const NlammrConfig& config);

}  // namespace nlammr
