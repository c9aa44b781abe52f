#include "models/nlammr/model/loss.h"

#include <stdexcept>

#include "engine/ops.h"

namespace nlammr {

Tensor multi_hot(const std::vector<std::vector<int>>& targets, int64_t classes, const Tensor& like) {
  const int64_t b = static_cast<int64_t>(targets.size());
  std::vector<float> hot(static_cast<size_t>(b * classes), 0.0f);
  for (int64_t i = 0; i < b; ++i)
    for (int m : targets[i]) {
      if (m < 0 || m >= classes) throw std::runtime_error("target medication index out of range");
      hot[i * classes + m] = 1.0f;
    }
  return Tensor::from_vector(hot, {b, classes}).to(like.dtype()).to(like.device());
}

Tensor target_lists(const std::vector<std::vector<int>>& targets, int64_t classes, Device device) {
  const int64_t b = static_cast<int64_t>(targets.size());
  std::vector<int64_t> lists(static_cast<size_t>(b * classes), -1);
  for (int64_t i = 0; i < b; ++i)
    for (size_t j = 0; j < targets[i].size(); ++j) lists[i * classes + static_cast<int64_t>(j)] = targets[i][j];
  return Tensor::from_vector(lists, {b, classes}).to(device);
}

LossTerms nlammr_loss(const Tensor& scores, const std::vector<std::vector<int>>& targets,
                      const NlammrConfig& config, const Tensor& ddi) {
  const int64_t classes = scores.size(1);
  Tensor hot = multi_hot(targets, classes, scores);
  Tensor bce = bce_with_logits(scores, hot);
  Tensor probs = sigmoid(scores);
  Tensor margin = multilabel_margin_loss(probs, target_lists(targets, classes, scores.device()));
  LossTerms terms;
  terms.total = bce * config.bce_weight + margin * (1.0 - config.bce_weight);
  terms.bce = bce.to(Device::cpu()).to(DType::Float64).item<double>();
  terms.margin = margin.to(Device::cpu()).to(DType::Float64).item<double>();
  if (config.contrastive_weight > 0) {
    Tensor c = contrastive_loss(scores, hot, config.contrastive_temperature);
    terms.total = terms.total + c * config.contrastive_weight;
    terms.contrastive = c.to(Device::cpu()).to(DType::Float64).item<double>();
  }
  if (config.ddi_weight > 0) {
    if (!ddi.defined()) throw std::runtime_error("ddi_weight > 0 needs the DDI adjacency matrix");
    // Expected number of interacting pairs in a visit's recommendation.
    Tensor pairs = mean(sum(matmul(probs, ddi) * probs, {1}));
    terms.total = terms.total + pairs * config.ddi_weight;
    terms.ddi = pairs.to(Device::cpu()).to(DType::Float64).item<double>();
  }
  return terms;
}

}  // namespace nlammr
