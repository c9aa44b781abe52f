#include "models/nlammr/model/attention_pool.h"

#include <cmath>

namespace nlammr {

AttentionPool::AttentionPool(int64_t query_dim, int64_t item_dim, int64_t mid_dim, bool project_output,
                             Generator& gen, DType dtype)
    : mid_dim_(mid_dim) {
  // Parameter names follow the reference (Qdense, Kdense, drug_projection).
  query_proj_ = register_module("Qdense", std::make_shared<nn::Linear>(query_dim, mid_dim, gen, true, dtype));
  key_proj_ = register_module("Kdense", std::make_shared<nn::Linear>(item_dim, mid_dim, gen, true, dtype));
  if (project_output)
    output_proj_ =
        register_module("drug_projection", std::make_shared<nn::Linear>(item_dim, mid_dim, gen, true, dtype));
}

Tensor AttentionPool::weights(const Tensor& query, const Tensor& items, const Tensor& mask) const {
  Tensor q = query_proj_->forward(query).unsqueeze(1);              // [B, 1, mid]
  Tensor k = key_proj_->forward(items);                              // [B, T, mid]
  Tensor scores = matmul(q, k.transpose(1, 2)).squeeze(1);           // [B, T]
  scores = scores * (1.0 / std::sqrt(static_cast<double>(mid_dim_)));
  return softmax(scores, -1, mask);                                  // [B, T]
}

Tensor AttentionPool::forward(const Tensor& query, const Tensor& items, const Tensor& mask) const {
  Tensor weights = this->weights(query, items, mask);                // [B, T]
  last_weights_ = weights.detach();
  Tensor pooled = matmul(weights.unsqueeze(1), items).squeeze(1);    // [B, item_dim]
  return output_proj_ ? output_proj_->forward(pooled) : pooled;
}

LatentMLP::LatentMLP(int64_t in_dim, const std::vector<int64_t>& hidden, double dropout, Generator& gen,
                     std::shared_ptr<Generator> dropout_gen, DType dtype) {
  int64_t width = in_dim;
  for (size_t i = 0; i < hidden.size(); ++i) {
    layers_.push_back(register_module("layers." + std::to_string(i),
                                      std::make_shared<nn::Linear>(width, hidden[i], gen, true, dtype)));
    width = hidden[i];
  }
  dropout_ = register_module("dropout", std::make_shared<nn::Dropout>(dropout, std::move(dropout_gen)));
}

Tensor LatentMLP::forward(const Tensor& x) const {
  Tensor input = x;
  for (size_t i = 0; i < layers_.size(); ++i) {
    Tensor h = layers_[i]->forward(input);
    if (i + 1 < layers_.size()) h = dropout_->forward(gelu(h));
    if (h.shape() == input.shape()) h = h + input;
    input = h;
  }
  return input;
}

}  // namespace nlammr
