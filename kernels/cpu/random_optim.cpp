// Dropout masks from the counter-based RNG, and fused optimizer updates.
#include <cmath>

#include "kernels/cpu/common.h"
#include "kernels/cpu/cpu_backend.h"
#include "kernels/philox.h"

namespace nlammr {

void CpuBackend::dropout_mask(const Tensor& mask, double p, uint64_t seed, uint64_t offset) {
  const int64_t n = mask.numel();
  cpu::dispatch_float(mask.dtype(), "dropout", [&](auto tag) {
    using T = decltype(tag);
    T* m = cpu::ptr<T>(mask);
    const T keep_scale = static_cast<T>(1.0 / (1.0 - p));
    const float threshold = static_cast<float>(p);
#pragma omp parallel for schedule(static) if (n > cpu::kParallelGrain)
    for (int64_t i = 0; i < n; ++i)
      m[i] = philox::uniform01(offset + static_cast<uint64_t>(i), seed) < threshold ? T(0) : keep_scale;
  });
}

// Adam (Kingma & Ba) as torch.optim.Adam/AdamW compute it:
//   g = grad (+ wd * param for Adam's L2 penalty)
//   param *= 1 - lr * wd (AdamW's decoupled decay instead)
//   m = b1 m + (1 - b1) g;   v = b2 v + (1 - b2) g^2
//   param -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
void CpuBackend::adam_step(const Tensor& param, const Tensor& grad, const Tensor& m, const Tensor& v,
                           const AdamStepDesc& d) {
  const int64_t n = param.numel();
  const double bc1 = 1.0 - std::pow(d.beta1, static_cast<double>(d.step));
  const double bc2_sqrt = std::sqrt(1.0 - std::pow(d.beta2, static_cast<double>(d.step)));
  const double step_size = d.lr / bc1;
  cpu::dispatch_float(param.dtype(), "adam", [&](auto tag) {
    using T = decltype(tag);
    T* p = cpu::ptr<T>(param);
    const T* g = cpu::ptr<T>(grad);
    T* mp = cpu::ptr<T>(m);
    T* vp = cpu::ptr<T>(v);
#pragma omp parallel for schedule(static) if (n > cpu::kParallelGrain)
    for (int64_t i = 0; i < n; ++i) {
      double gi = g[i];
      double pi = p[i];
      if (d.decoupled) {
        pi *= 1.0 - d.lr * d.weight_decay;
      } else if (d.weight_decay != 0.0) {
        gi += d.weight_decay * pi;
      }
      const double mi = d.beta1 * mp[i] + (1.0 - d.beta1) * gi;
      const double vi = d.beta2 * vp[i] + (1.0 - d.beta2) * gi * gi;
      mp[i] = static_cast<T>(mi);
      vp[i] = static_cast<T>(vi);
      p[i] = static_cast<T>(pi - step_size * mi / (std::sqrt(vi) / bc2_sqrt + d.eps));
    }
  });
}

// SGD as torch.optim.SGD: g = grad + wd param; buf = momentum buf + (1 - dampening) g
// (buf = g on the first step); g = nesterov ? g + momentum buf : buf; param -= lr g.
void CpuBackend::sgd_step(const Tensor& param, const Tensor& grad, const Tensor& momentum_buffer,
                          const SgdStepDesc& d) {
  const int64_t n = param.numel();
  cpu::dispatch_float(param.dtype(), "sgd", [&](auto tag) {
    using T = decltype(tag);
    T* p = cpu::ptr<T>(param);
    const T* g = cpu::ptr<T>(grad);
    T* buf = momentum_buffer.defined() ? cpu::ptr<T>(momentum_buffer) : nullptr;
#pragma omp parallel for schedule(static) if (n > cpu::kParallelGrain)
    for (int64_t i = 0; i < n; ++i) {
      double gi = static_cast<double>(g[i]) + d.weight_decay * p[i];
      if (d.momentum != 0.0 && buf) {
        const double b = d.first_step ? gi : d.momentum * buf[i] + (1.0 - d.dampening) * gi;
        buf[i] = static_cast<T>(b);
        gi = d.nesterov ? gi + d.momentum * b : b;
      }
      p[i] = static_cast<T>(p[i] - d.lr * gi);
    }
  });
}

}  // namespace nlammr
