#include "models/nlammr/inputs/visit_index.h"

#include <algorithm>
#include <stdexcept>

#include "engine/ops.h"

namespace nlammr {

VisitIndex::VisitIndex(const Cohort& cohort) {
  for (size_t p = 0; p < cohort.patients.size(); ++p) {
    first_.push_back(static_cast<int64_t>(patient_of_.size()));
    patient_of_.insert(patient_of_.end(), cohort.patients[p].visits.size(), p);
  }
}

std::vector<int64_t> VisitIndex::visits_of(const std::vector<size_t>& patients) const {
  std::vector<int64_t> ids;
  for (size_t p : patients) {
    const int64_t end = p + 1 < first_.size() ? first_[p + 1] : size();
    for (int64_t id = first_[p]; id < end; ++id) ids.push_back(id);
  }
  return ids;
}

std::vector<int64_t> VisitIndex::history(int64_t id, int64_t max_visits) const {
  std::vector<int64_t> out;
  const int64_t first = first_[patient_of_[id]];
  for (int64_t h = std::max(first, id - max_visits); h < id; ++h) out.push_back(h);
  out.resize(static_cast<size_t>(max_visits), -1);
  return out;
}

namespace {
HistorySlots empty_slots(int64_t batch, int64_t max_visit_num) {
  if (max_visit_num < 0) throw std::runtime_error("max_visit_num " + std::to_string(max_visit_num) + " is negative");
  HistorySlots s;
  s.batch = batch;
  s.slots = std::max<int64_t>(max_visit_num, 1);
  s.rows.assign(static_cast<size_t>(batch * s.slots), -1);
  s.mask.assign(static_cast<size_t>(batch * s.slots), 0);
  return s;
}
}  // namespace

HistorySlots HistorySlots::of_cohort(const VisitIndex& index, const std::vector<int64_t>& ids, int64_t max_visit_num) {
  HistorySlots s = empty_slots(static_cast<int64_t>(ids.size()), max_visit_num);
  for (int64_t b = 0; b < s.batch; ++b) {
    const std::vector<int64_t> h = index.history(ids[b], max_visit_num);
    for (size_t j = 0; j < h.size(); ++j)
      if (h[j] >= 0) s.rows[b * s.slots + j] = h[j], s.mask[b * s.slots + j] = 1;
  }
  return s;
}

std::vector<int64_t> HistorySlots::kept_earlier(int64_t earlier, int64_t max_visit_num) {
  std::vector<int64_t> kept;
  for (int64_t i = std::max<int64_t>(earlier - max_visit_num, 0); i < earlier; ++i) kept.push_back(i);
  return kept;
}

HistorySlots HistorySlots::of_one(int64_t earlier, int64_t max_visit_num) {
  HistorySlots s = empty_slots(1, max_visit_num);
  const int64_t kept = static_cast<int64_t>(kept_earlier(earlier, max_visit_num).size());
  for (int64_t j = 0; j < kept; ++j) s.rows[j] = j, s.mask[j] = 1;
  return s;
}

std::vector<int64_t> HistorySlots::rows_of(int64_t b) const {
  std::vector<int64_t> out;
  for (int64_t j = 0; j < slots; ++j)
    if (mask[b * slots + j]) out.push_back(rows[b * slots + j]);
  return out;
}

Tensor HistorySlots::mask_tensor(Device device) const { return Tensor::from_vector(mask, {batch, slots}, device); }

Tensor HistorySlots::gather(const Tensor& table) const {
  const int64_t d = table.size(1);
  if (table.size(0) == 0) return Tensor::zeros({batch, slots, d}, table.dtype(), table.device());
  std::vector<int64_t> gathered(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) gathered[i] = mask[i] ? rows[i] : 0;
  const Tensor index = Tensor::from_vector(gathered, {batch * slots}, table.device());
  return index_select(table, index).reshape({batch, slots, d});
}

}  // namespace nlammr
