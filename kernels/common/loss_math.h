// Per-element formulas of the fused losses, written once for both backends
// (kernels/cpu/losses.cpp and kernels/cuda/losses.cu). All in double: the
// kernels read float or double inputs and accumulate in double. How the
// terms are summed (serially on the CPU, in fixed block trees on the GPU) is
// each backend's own.
#pragma once

#include <cmath>

#include "kernels/common/host_device.h"

namespace nlammr::math {

// Binary cross-entropy with logits of one element, in the stable form
// max(x, 0) - x t + log(1 + exp(-|x|)) of -[t log s(x) + (1 - t) log(1 - s(x))].
NLAMMR_HOST_DEVICE double bce_with_logits_term(double x, double t) {
  return (x < 0.0 ? 0.0 : x) - x * t + std::log1p(std::exp(-std::fabs(x)));
}

// Its derivative for a mean over n elements: (s(x) - t) / n.
NLAMMR_HOST_DEVICE double bce_with_logits_grad(double x, double t, double n) {
  return (1.0 / (1.0 + std::exp(-x)) - t) / n;
}

// The multi-label margin of a target class's score over another class's,
// 1 - (x_target - x_other); the loss takes it where it is positive.
NLAMMR_HOST_DEVICE double multilabel_margin(double x_target, double x_other) {
  return 1.0 - (x_target - x_other);
}

// d/dz of logsumexp(z) - mean of z over the line's positives, at an element
// z of the line: softmax(z) - 1 / positives where it is a positive, else
// softmax(z). Cross-entropy is the case of one positive (the target class);
// the contrastive loss has several per row and per column.
NLAMMR_HOST_DEVICE double logsumexp_minus_mean_grad(double z, double lse, bool positive, double positives) {
  return std::exp(z - lse) - (positive ? 1.0 / positives : 0.0);
}

}  // namespace nlammr::math
