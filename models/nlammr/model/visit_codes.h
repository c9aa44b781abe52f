// Code identity as a model input (NlammrConfig::use_code_embeddings, this
// project's addition; off reproduces the reference).
//
// The reference sees a visit only through the language model's vectors of its
// code descriptions. Two codes whose titles read alike ("Acute kidney failure,
// unspecified" and "... with lesion of tubular necrosis") land close in that
// space whether or not they are treated alike, and a mean of a dozen title
// vectors blurs which codes were there at all. A learned vector per code, summed over
// the visit's codes, gives the model the identity back: the "wide" half of a
// wide-and-deep model, the per-code memory that GAMENet/SafeDrug-style models
// are built on.
//
// One table, three id ranges:
//   [0, D)            diagnosis codes of the visit
//   [D, D + P)        procedure codes of the visit
//   [D + P, D + P + M) medication classes of its earlier visits (the same
//                     max_visit_num visits the history attention reads)
// A batch is CSR: ids [N] and offsets [B + 1]; visit b owns
// ids[offsets[b] .. offsets[b + 1]).
#pragma once

#include <cstdint>
#include <vector>

#include "engine/nn/module.h"
#include "engine/ops.h"
#include "data/cohort/cohort.h"
#include "models/nlammr/model/config.h"
#include "models/nlammr/model/nlammr_model.h"
#include "models/nlammr/inputs/visit_index.h"

namespace nlammr {

// The table: one K-wide vector per row, zeros at the start, so that the model
// starts as the text-only model and learns what each code adds (a row's
// gradient is the medication vectors its visits score against, not zero).
class CodeTable : public nn::Module {
 public:
  CodeTable(int64_t rows, int64_t dim, DType dtype) {
    weight = register_parameter("weight", Tensor::zeros({rows, dim}, dtype));
  }
  // [B, K]: each visit's code vectors summed; `keep` [N, 1], when given,
  // scales each code's vector first (code dropout).
  Tensor forward(const Tensor& ids, const Tensor& offsets, const Tensor& keep = Tensor()) const {
    Tensor rows = embedding(weight, ids);
    return segment_sum(keep.defined() ? rows * keep : rows, offsets);
  }

  Tensor weight;
};

struct VisitCodeLists {
  std::vector<int> diagnoses;            // indices into Cohort::diagnoses
  std::vector<int> procedures;           // indices into Cohort::procedures
  std::vector<int> earlier_medications;  // indices into Cohort::medications
};

// Rows of the code table the config asks for (D + P + M).
int64_t code_table_rows(const NlammrConfig& config);

// The lists of one cohort visit (global id as in VisitIndex) whose history
// is the visits `earlier` (global ids, as HistorySlots::rows_of gives them).
VisitCodeLists cohort_visit_codes(const Cohort& cohort, const VisitIndex& index, int64_t id,
                                  const std::vector<int64_t>& earlier);

// Fills in.code_ids / in.code_offsets (on in.full's device) from one list per
// visit of the batch. Throws when an index lies outside the config's sizes.
void attach_visit_codes(VisitInputs& in, const std::vector<VisitCodeLists>& visits, const NlammrConfig& config);

// The same for visits of the cohort, by global id, with the history slots
// their texts were gathered with (visit_batch does both).
void attach_cohort_codes(VisitInputs& in, const Cohort& cohort, const VisitIndex& index,
                         const std::vector<int64_t>& ids, const HistorySlots& history, const NlammrConfig& config);

}  // namespace nlammr
