// A batch of token id sequences padded to one length, in the row-major
// layout the encoder consumes, and the length-sorted batching that keeps
// padding small when many texts of different lengths are encoded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nlammr {

struct Batch {
  int64_t batch = 0;                    // rows
  int64_t seq_len = 0;                  // columns: the longest row; shorter rows are padded
  std::vector<int32_t> input_ids;       // batch x seq_len, padding = pad id
  std::vector<int32_t> attention_mask;  // 1 for real tokens, 0 for padding
  std::vector<int32_t> token_type_ids;  // all 0: one segment per text

  // Number of real (unpadded) tokens in `row`.
  int64_t row_length(int64_t row) const;
};

// Pads `rows` on the right with `pad_id` to the length of the longest row.
Batch pad_rows(const std::vector<std::vector<int32_t>>& rows, int32_t pad_id);

// Indices 0..lengths.size()-1 ordered by decreasing length; equal lengths keep
// their input order. Encoding in this order puts texts of similar length in
// the same batch; position k of the result holds the input index of the k-th
// encoded text, which is how results are put back in input order.
std::vector<size_t> order_by_decreasing_length(const std::vector<size_t>& lengths);

}  // namespace nlammr
