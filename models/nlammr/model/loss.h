// NLA-MMR's training objective on the score matrix S = patients · medicationsᵀ:
//
//   bce_weight       * BCE-with-logits(S, multi-hot targets)
//   (1 - bce_weight) * multilabel_margin(sigmoid(S), target lists)   (the reference's two terms)
//   contrastive_weight * InfoNCE(S / temperature, positives = targets)  (our alignment term)
//   ddi_weight       * mean_b sum_ij p_bi p_bj A_ij,  p = sigmoid(S)    (SafeDrug-style penalty)
#pragma once

#include <vector>

#include "engine/tensor.h"
#include "models/nlammr/model/config.h"

namespace nlammr {

struct LossTerms {
  Tensor total;  // scalar, differentiable
  double bce = 0, margin = 0, contrastive = 0, ddi = 0;
};

// scores [B, M]; targets: each visit's medication indices; ddi [M, M] 0/1
// (may be undefined when ddi_weight is 0).
LossTerms nlammr_loss(const Tensor& scores, const std::vector<std::vector<int>>& targets,
                      const NlammrConfig& config, const Tensor& ddi);

// Multi-hot [B, M] (dtype of `like`) and PyTorch-style target lists [B, M]
// int64 padded with -1, on `like`'s device.
Tensor multi_hot(const std::vector<std::vector<int>>& targets, int64_t classes, const Tensor& like);
Tensor target_lists(const std::vector<std::vector<int>>& targets, int64_t classes, Device device);

}  // namespace nlammr
