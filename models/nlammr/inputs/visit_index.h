// Which visits a batch is made of, and which earlier visits form each one's
// history: the index side of a batch, before any vector is looked up.
//
// Visits are numbered globally in cohort order: patient 0's visits first,
// then patient 1's, ... (VisitIndex). A visit's history is the medications
// of up to max_visit_num earlier visits of the same patient (the reference's
// `max_visit_num`); a batch lays them out in T = max(max_visit_num, 1) slots
// per visit, oldest first, padded at the end, with a mask (HistorySlots).
// Training, evaluation and `recommend` all lay out histories here.
#pragma once

#include <cstdint>
#include <vector>

#include "data/cohort/cohort.h"
#include "engine/tensor.h"

namespace nlammr {

class VisitIndex {
 public:
  explicit VisitIndex(const Cohort& cohort);
  int64_t size() const { return static_cast<int64_t>(patient_of_.size()); }
  int64_t id(size_t patient, size_t visit) const { return first_[patient] + static_cast<int64_t>(visit); }
  size_t patient_of(int64_t id) const { return patient_of_[id]; }
  size_t visit_of(int64_t id) const { return static_cast<size_t>(id - first_[patient_of_[id]]); }
  // Global ids of every visit of these patients, in order.
  std::vector<int64_t> visits_of(const std::vector<size_t>& patients) const;
  // The ids of up to `max_visits` visits before `id` of the same patient,
  // oldest first, padded with -1 at the end to max_visits entries.
  std::vector<int64_t> history(int64_t id, int64_t max_visits) const;

 private:
  std::vector<int64_t> first_;
  std::vector<size_t> patient_of_;
};

// The history slots of a batch of B visits: B x T entries, each the row of
// an earlier visit in some table of vectors, or padding.
struct HistorySlots {
  int64_t batch = 0;
  int64_t slots = 1;          // T = max(max_visit_num, 1): a tensor needs one slot even without history
  std::vector<int64_t> rows;  // [B * T], -1 where padded
  std::vector<uint8_t> mask;  // [B * T], 1 = a real earlier visit

  // Cohort visits: the rows are global visit ids (VisitIndex::history).
  static HistorySlots of_cohort(const VisitIndex& index, const std::vector<int64_t>& ids, int64_t max_visit_num);
  // One visit with `earlier` earlier visits (recommend's query). As in
  // training, the last max_visit_num of them are kept (kept_earlier: their
  // positions among the earlier visits); slot j holds row j of a table of the
  // kept visits.
  static HistorySlots of_one(int64_t earlier, int64_t max_visit_num);
  static std::vector<int64_t> kept_earlier(int64_t earlier, int64_t max_visit_num);

  // The real rows of visit b, oldest first.
  std::vector<int64_t> rows_of(int64_t b) const;
  // [B, T] uint8 on `device`.
  Tensor mask_tensor(Device device) const;
  // [B, T, d]: rows of `table` [n, d] placed in the slots. Padded slots take
  // row 0 (or zeros when the table is empty); the attention masks them out.
  Tensor gather(const Tensor& table) const;
};

}  // namespace nlammr
