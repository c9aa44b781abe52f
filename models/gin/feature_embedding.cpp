#include "models/gin/feature_embedding.h"

#include <cmath>
#include <stdexcept>

#include "engine/ops.h"

namespace nlammr {

FeatureEmbeddingSum::FeatureEmbeddingSum(const std::string& list_name,
                                         const std::vector<int64_t>& table_sizes, int64_t dim, Generator& gen,
                                         DType dtype) {
  for (size_t k = 0; k < table_sizes.size(); ++k) {
    // xavier_uniform_ on a [rows, dim] weight: fan_in = dim, fan_out = rows.
    const double bound = std::sqrt(6.0 / static_cast<double>(table_sizes[k] + dim));
    tables_.push_back(register_parameter(list_name + "." + std::to_string(k) + ".weight",
                                         rand_uniform({table_sizes[k], dim}, -bound, bound, gen, dtype)));
  }
}

Tensor FeatureEmbeddingSum::forward(const Tensor& features) const {
  if (features.dim() != 2 || features.size(0) != static_cast<int64_t>(tables_.size()))
    throw std::runtime_error("FeatureEmbeddingSum: expected features [" + std::to_string(tables_.size()) +
                             ", n], got " + shape_str(features.shape()));
  const int64_t n = features.size(1);
  Tensor sum_of_rows = embedding(tables_[0], features.slice(0, 0, 1).reshape({n}));
  for (size_t k = 1; k < tables_.size(); ++k) {
    const int64_t row = static_cast<int64_t>(k);
    sum_of_rows = sum_of_rows + embedding(tables_[k], features.slice(0, row, row + 1).reshape({n}));
  }
  return sum_of_rows;
}

int64_t combination_id(const int32_t* values, const int32_t* table_sizes, int num_features) {
  int64_t id = 0;
  for (int k = 0; k < num_features; ++k) id = id * table_sizes[k] + values[k];
  return id;
}

Tensor FeatureEmbeddingSum::forward_combined(const Tensor& combination_ids) const {
  if (combination_ids.dim() != 1)
    throw std::runtime_error("FeatureEmbeddingSum: expected combination ids [n], got " +
                             shape_str(combination_ids.shape()));
  Tensor sums = tables_[0];  // [combinations so far, dim]
  for (size_t k = 1; k < tables_.size(); ++k) {
    const int64_t rows = sums.size(0), size = tables_[k].size(0), dim = tables_[k].size(1);
    sums = (sums.reshape({rows, 1, dim}) + tables_[k].reshape({1, size, dim})).reshape({rows * size, dim});
  }
  return embedding(sums, combination_ids);
}

}  // namespace nlammr
