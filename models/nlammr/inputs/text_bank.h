// The PLM vectors of every visit and medication class, computed once before
// training (the reference precomputes them the same way and keeps the
// language model frozen).
//
// Rows follow the global visit numbering of VisitIndex (visit_index.h). Two
// ways to turn a visit into vectors:
//   "concat"  each text of make_visit_texts() is encoded as one string
//             (the reference's choice);
//   "codes"   every code title and symptom phrase is encoded once, and a
//             visit's diagnosis (procedure, symptom) vector is the mean of
//             its items' vectors, the whole visit's the mean of all items:
//             far fewer texts to encode, and no truncation of long visits.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/tensor.h"
#include "data/cohort/cohort.h"
#include "models/nlammr/inputs/visit_index.h"
#include "models/nlammr/model/nlammr_model.h"

namespace nlammr {

// Texts -> [n, d] float32 vectors (e.g. a cached BERT TextEncoder).
using EncodeTextsFn = std::function<Tensor(const std::vector<std::string>&)>;

struct TextBank {
  Tensor full;         // [V, d]
  Tensor parts;        // [V, 3, d]  symptoms, diagnoses, procedures
  Tensor medications;  // [V, d]     medication text of each visit (for later visits' history)
  Tensor classes;      // [M, d]     medication class descriptions
  int64_t dim() const { return classes.size(1); }
};

TextBank build_text_bank(const Cohort& cohort, const EncodeTextsFn& encode, const std::string& mode);

// Mean of the rows `items` of `table` [n, d] (zeros [d] when empty).
Tensor mean_rows(const Tensor& table, const std::vector<int>& items);

// One visit in "codes" mode, from its items' vectors (rows of the symptom,
// diagnosis and procedure tables): parts [1, 3, d], the mean of each kind's
// items; full [d], the mean of all items. build_text_bank and the
// recommender both build visits with it.
struct CodesModeVisit {
  Tensor full, parts;
};
CodesModeVisit codes_mode_visit(const Tensor& sym_vec, const std::vector<int>& sym_items, const Tensor& dx_vec,
                                const std::vector<int>& dx_items, const Tensor& px_vec, const std::vector<int>& px_items);

// The texts' part of a batch's inputs: rows `ids` of the bank, and each
// visit's history (the medication rows of its earlier visits) in its slots.
VisitInputs gather_visits(const TextBank& bank, const std::vector<int64_t>& ids, const HistorySlots& history);

}  // namespace nlammr
