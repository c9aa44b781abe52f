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

class FeatureEmbeddingSum : public nn::Module {
 public:
  // Parameters are named "<list_name>.<k>.weight" (atom_embedding_list.0.weight,
  // ...), like the reference's ModuleList of nn.Embedding.
  FeatureEmbeddingSum(const std::string& list_name, const std::vector<int64_t>& table_sizes, int64_t dim,
                      Generator& gen, DType dtype = DType::Float32);

  // features: integer [num_features, n], feature-major (GraphTensors) -> [n, dim].
  // Tables are added in feature order, as the reference does.
  Tensor forward(const Tensor& features) const;

  const std::vector<Tensor>& tables() const { return tables_; }

 private:
  std::vector<Tensor> tables_;
};

}  // namespace nlammr
