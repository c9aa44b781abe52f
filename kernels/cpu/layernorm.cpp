// LayerNorm over the rows of x [rows, n]:
//   y = (x - mean) * rstd * weight + bias,   rstd = 1 / sqrt(var + eps)
// with the biased variance, computed in two passes (mean first, then the
// squared deviations), which is exact enough in float32 where the one-pass
// E[x^2] - E[x]^2 formula cancels catastrophically.
#include <cmath>
#include <vector>

#include "kernels/cpu/common.h"
#include "kernels/cpu/cpu_backend.h"

namespace nlammr {

void CpuBackend::layernorm_forward(const Tensor& x, const Tensor& weight, const Tensor& bias, double eps,
                                   const Tensor& y, const Tensor& mean, const Tensor& rstd) {
  const int64_t n = x.size(-1);
  const int64_t rows = n == 0 ? 0 : x.numel() / n;
  cpu::dispatch_float(x.dtype(), "layer_norm", [&](auto tag) {
    using T = decltype(tag);
    const T* xp = cpu::ptr<T>(x);
    const T* w = weight.defined() ? cpu::ptr<T>(weight) : nullptr;
    const T* b = bias.defined() ? cpu::ptr<T>(bias) : nullptr;
    T* yp = cpu::ptr<T>(y);
    T* mp = cpu::ptr<T>(mean);
    T* rp = cpu::ptr<T>(rstd);
#pragma omp parallel for schedule(static) if (rows * n > cpu::kParallelGrain)
    for (int64_t r = 0; r < rows; ++r) {
      const T* xr = xp + r * n;
      T* yr = yp + r * n;
      double sum = 0.0;
      for (int64_t i = 0; i < n; ++i) sum += xr[i];
      const double mu = sum / static_cast<double>(n);
      double sq = 0.0;
      for (int64_t i = 0; i < n; ++i) {
        const double d = xr[i] - mu;
        sq += d * d;
      }
      const double rs = 1.0 / std::sqrt(sq / static_cast<double>(n) + eps);
      mp[r] = static_cast<T>(mu);
      rp[r] = static_cast<T>(rs);
      const T mu_t = static_cast<T>(mu), rs_t = static_cast<T>(rs);
      for (int64_t i = 0; i < n; ++i) {
        T v = (xr[i] - mu_t) * rs_t;
        if (w) v *= w[i];
        if (b) v += b[i];
        yr[i] = v;
      }
    }
  });
}

// With xhat = (x - mean) * rstd and g = gy * weight:
//   gx     = rstd * (g - mean(g) - xhat * mean(g * xhat))
//   gweight = sum over rows of gy * xhat,   gbias = sum over rows of gy
void CpuBackend::layernorm_backward(const Tensor& x, const Tensor& weight, const Tensor& mean,
                                    const Tensor& rstd, const Tensor& gy, const Tensor& gx,
                                    const Tensor& gweight, const Tensor& gbias) {
  const int64_t n = x.size(-1);
  const int64_t rows = n == 0 ? 0 : x.numel() / n;
  cpu::dispatch_float(x.dtype(), "layer_norm backward", [&](auto tag) {
    using T = decltype(tag);
    const T* xp = cpu::ptr<T>(x);
    const T* w = weight.defined() ? cpu::ptr<T>(weight) : nullptr;
    const T* mp = cpu::ptr<T>(mean);
    const T* rp = cpu::ptr<T>(rstd);
    const T* gp = cpu::ptr<T>(gy);
    T* gxp = cpu::ptr<T>(gx);
#pragma omp parallel for schedule(static) if (rows * n > cpu::kParallelGrain)
    for (int64_t r = 0; r < rows; ++r) {
      const T* xr = xp + r * n;
      const T* gr = gp + r * n;
      T* out = gxp + r * n;
      const double mu = mp[r], rs = rp[r];
      double mean_g = 0.0, mean_gx = 0.0;
      for (int64_t i = 0; i < n; ++i) {
        const double g = w ? gr[i] * w[i] : gr[i];
        mean_g += g;
        mean_gx += g * (xr[i] - mu) * rs;
      }
      mean_g /= static_cast<double>(n);
      mean_gx /= static_cast<double>(n);
      for (int64_t i = 0; i < n; ++i) {
        const double g = w ? gr[i] * w[i] : gr[i];
        const double xhat = (xr[i] - mu) * rs;
        out[i] = static_cast<T>(rs * (g - mean_g - xhat * mean_gx));
      }
    }
    // Parameter gradients: columns in parallel, rows in order (deterministic).
    if (gweight.defined() || gbias.defined()) {
      T* gw = gweight.defined() ? cpu::ptr<T>(gweight) : nullptr;
      T* gb = gbias.defined() ? cpu::ptr<T>(gbias) : nullptr;
#pragma omp parallel for schedule(static) if (rows * n > cpu::kParallelGrain)
      for (int64_t i = 0; i < n; ++i) {
        double sw = 0.0, sb = 0.0;
        for (int64_t r = 0; r < rows; ++r) {
          const double g = gp[r * n + i];
          sw += g * (xp[r * n + i] - mp[r]) * rp[r];
          sb += g;
        }
        if (gw) gw[i] = static_cast<T>(sw);
        if (gb) gb[i] = static_cast<T>(sb);
      }
    }
  });
}

}  // namespace nlammr
