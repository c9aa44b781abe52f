#include "models/bert/token_batch.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

namespace nlammr {

int64_t Batch::row_length(int64_t row) const {
  if (row < 0 || row >= batch) {
    throw std::runtime_error("Batch::row_length: row " + std::to_string(row) + " outside batch of " +
                             std::to_string(batch));
  }
  const int32_t* mask = attention_mask.data() + row * seq_len;
  return std::count(mask, mask + seq_len, 1);
}

Batch pad_rows(const std::vector<std::vector<int32_t>>& rows, int32_t pad_id) {
  Batch out;
  out.batch = static_cast<int64_t>(rows.size());
  for (const auto& row : rows) out.seq_len = std::max<int64_t>(out.seq_len, static_cast<int64_t>(row.size()));
  const size_t cells = static_cast<size_t>(out.batch * out.seq_len);
  out.input_ids.assign(cells, pad_id);
  out.attention_mask.assign(cells, 0);
  out.token_type_ids.assign(cells, 0);
  for (size_t r = 0; r < rows.size(); ++r) {
    const size_t offset = r * static_cast<size_t>(out.seq_len);
    std::copy(rows[r].begin(), rows[r].end(), out.input_ids.begin() + offset);
    std::fill_n(out.attention_mask.begin() + offset, rows[r].size(), 1);
  }
  return out;
}

std::vector<size_t> order_by_decreasing_length(const std::vector<size_t>& lengths) {
  std::vector<size_t> order(lengths.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return lengths[a] > lengths[b]; });
  return order;
}

}  // namespace nlammr
