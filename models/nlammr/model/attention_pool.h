// Attention of one query vector over a handful of vectors, the building block
// NLA-MMR uses twice (the reference's AdjAttenAgger):
//
//   q = Wq · query                     [B, mid]
//   k = Wk · items                     [B, T, mid]
//   a = softmax(q · kᵀ / sqrt(mid))    [B, T], masked items excluded
//   out = a · items                    [B, item_dim]
//   out = Wo · out                     [B, mid]   (only with project_output)
//
// Once over a visit's [symptom, diagnosis, procedure] vectors with the whole
// visit's text as the query (no output projection), once over the medication
// texts of earlier visits (with one). The values are the items themselves,
// not a projection of them.
#pragma once

#include <memory>

#include "engine/nn/layers.h"

namespace nlammr {

class AttentionPool : public nn::Module {
 public:
  AttentionPool(int64_t query_dim, int64_t item_dim, int64_t mid_dim, bool project_output, Generator& gen,
                DType dtype = DType::Float32);

  // query [B, query_dim], items [B, T, item_dim], mask [B, T] (nonzero = real
  // item) or undefined. A row whose items are all masked attends to nothing:
  // its pooled vector is 0 (and the output projection returns its bias).
  Tensor forward(const Tensor& query, const Tensor& items, const Tensor& mask = Tensor()) const;

  // Only the attention weights a of forward, [B, T]: what an explanation
  // shows for any set of items under the same query and key projections.
  Tensor weights(const Tensor& query, const Tensor& items, const Tensor& mask = Tensor()) const;

  // The attention weights of the last forward, [B, T] (for explanations).
  const Tensor& last_weights() const { return last_weights_; }

 private:
  int64_t mid_dim_;
  std::shared_ptr<nn::Linear> query_proj_, key_proj_, output_proj_;
  mutable Tensor last_weights_;
};

// The reference's MLP: Linear layers with GELU and dropout between them, and
// a residual connection around every layer whose input and output widths
// match (so [in, 256, 256] adds one around the second layer).
class LatentMLP : public nn::Module {
 public:
  LatentMLP(int64_t in_dim, const std::vector<int64_t>& hidden, double dropout, Generator& gen,
            std::shared_ptr<Generator> dropout_gen, DType dtype = DType::Float32);
  Tensor forward(const Tensor& x) const;

 private:
  std::vector<std::shared_ptr<nn::Linear>> layers_;
  std::shared_ptr<nn::Dropout> dropout_;
};

}  // namespace nlammr
