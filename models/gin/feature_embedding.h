// OGB's AtomEncoder and BondEncoder: one embedding table per integer
// feature, and the embedding of an atom (bond) is the sum of its features'
// rows. Tables start xavier-uniform, U(-a, a) with a = sqrt(6 / (rows + dim)),
// as OGB initialises them (not N(0, 1) like a plain embedding).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/nn/module.h"
#include "engine/random.h"

namespace nlammr {

// The id of a combination of feature values in forward_combined's table.
int64_t combination_id(const int32_t* values, const int32_t* table_sizes, int num_features);

class FeatureEmbeddingSum : public nn::Module {
 public:
  // Parameters are named "<list_name>.<k>.weight" (atom_embedding_list.0.weight,
  // ...), like the reference's ModuleList of nn.Embedding.
  FeatureEmbeddingSum(const std::string& list_name, const std::vector<int64_t>& table_sizes, int64_t dim,
                      Generator& gen, DType dtype = DType::Float32);

  // features: integer [num_features, n], feature-major (GraphTensors) -> [n, dim].
  // Tables are added in feature order, as the reference does.
  Tensor forward(const Tensor& features) const;

  // The same sums through a single lookup. `combination_ids` [n] (int32 or
  // int64) names each item's feature values (v0, v1, ..., vK) as one id,
  // row-major over the tables: ((v0 * size1 + v1) * size2 + v2) ...
  // (combination_id() below). The table of every combination's sum is built
  // from the tables at each call, as (t0[v0] + t1[v1]) + t2[v2] ..., the
  // additions of forward() in its order, so the values are identical. For a
  // few small tables (the bond features: 5 x 6 x 2 = 60 combinations) this
  // saves a lookup per table and the additions over all n items, forward and
  // backward.
  Tensor forward_combined(const Tensor& combination_ids) const;

  const std::vector<Tensor>& tables() const { return tables_; }

 private:
  std::vector<Tensor> tables_;
};

}  // namespace nlammr
