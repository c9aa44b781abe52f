// The per-element updates of the fused optimizer steps, written once for
// both backends: the CPU's loop (kernels/cpu/random_optim.cpp) and the CUDA
// kernel (kernels/cuda/random_optim.cu) call the same functions, so a CUDA
// step does the CPU's double-precision arithmetic element for element.
// Parameters, gradients and state are float or double; every update is
// computed in double and rounded once when stored.
#pragma once

#include <cmath>

#include "engine/backend.h"
#include "kernels/common/host_device.h"

namespace nlammr::math {

// Adam's scalars for one step, computed once on the host. Both kinds of
// weight decay are factors, so that the update has no branch and the CPU
// loop vectorises: decoupled (AdamW), param *= 1 - lr wd; L2, g += wd param.
struct AdamCoefficients {
  double beta1, beta2, eps;
  double decay;      // 1 - lr wd (decoupled), else 1
  double l2;         // wd (L2 penalty), else 0
  double step_size;  // lr / (1 - beta1^t)
  double bc2_sqrt;   // sqrt(1 - beta2^t)
};

inline AdamCoefficients adam_coefficients(const AdamStepDesc& d) {
  const double bc1 = 1.0 - std::pow(d.beta1, static_cast<double>(d.step));
  return AdamCoefficients{d.beta1,
                          d.beta2,
                          d.eps,
                          d.decoupled ? 1.0 - d.lr * d.weight_decay : 1.0,
                          d.decoupled ? 0.0 : d.weight_decay,
                          d.lr / bc1,
                          std::sqrt(1.0 - std::pow(d.beta2, static_cast<double>(d.step)))};
}

// Adam (Kingma & Ba) as torch.optim.Adam/AdamW compute it, for one element:
//   g = grad (+ wd * param for Adam's L2 penalty)
//   param *= 1 - lr * wd (AdamW's decoupled decay instead)
//   m = b1 m + (1 - b1) g;   v = b2 v + (1 - b2) g^2
//   param -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
template <typename T>
NLAMMR_HOST_DEVICE void adam_update(T& param, T grad, T& m, T& v, const AdamCoefficients& c) {
  const double g = grad + c.l2 * param;
  const double p = param * c.decay;
  const double mi = c.beta1 * m + (1.0 - c.beta1) * g;
  const double vi = c.beta2 * v + (1.0 - c.beta2) * g * g;
  m = static_cast<T>(mi);
  v = static_cast<T>(vi);
  param = static_cast<T>(p - c.step_size * mi / (std::sqrt(vi) / c.bc2_sqrt + c.eps));
}

// SGD as torch.optim.SGD, for one element: g = grad + wd param;
// buf = momentum buf + (1 - dampening) g (buf = g on the first step);
// g = nesterov ? g + momentum buf : buf; param -= lr g. `buf` is null when
// there is no momentum buffer.
template <typename T>
NLAMMR_HOST_DEVICE void sgd_update(T& param, T grad, T* buf, const SgdStepDesc& d) {
  double g = static_cast<double>(grad) + d.weight_decay * param;
  if (d.momentum != 0.0 && buf) {
    const double b = d.first_step ? g : d.momentum * *buf + (1.0 - d.dampening) * g;
    *buf = static_cast<T>(b);
    g = d.nesterov ? g + d.momentum * b : b;
  }
  param = static_cast<T>(param - d.lr * g);
}

}  // namespace nlammr::math
