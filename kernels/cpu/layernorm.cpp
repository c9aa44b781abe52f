// LayerNorm over the rows of x [rows, n]:
//   y = (x - mean) * rstd * weight + bias,   rstd = 1 / sqrt(var + eps)
// with the biased variance, computed in two passes (mean first, then the
// squared deviations), which is exact enough in float32 where the one-pass
// E[x^2] - E[x]^2 formula cancels catastrophically.
//
// Row sums use lane_sum (kernels/cpu/vector_math.h) so they vectorise; a
// missing weight or bias is a row of ones or zeros, so every loop has one
// branch-free body. The per-element formulas are kernels/common/row_math.h,
// shared with the CUDA kernels.
#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/common/row_math.h"
#include "kernels/cpu/common.h"
#include "kernels/cpu/cpu_backend.h"
#include "kernels/cpu/vector_math.h"

namespace nlammr {
namespace {

// The parameter's values, or n copies of `fallback` when it is undefined.
template <typename T>
struct ParamRow {
  ParamRow(const Tensor& param, int64_t n, T fallback)
      : own(param.defined() ? 0 : static_cast<size_t>(n), fallback),
        data(param.defined() ? cpu::ptr<T>(param) : own.data()) {}
  std::vector<T> own;
  const T* data;
};

// Columns per task of the parameter-gradient sums: each task owns a block of
// columns and walks all rows in order, reading each row's block once.
constexpr int64_t kGradCols = 64;

}  // namespace

void CpuBackend::layernorm_forward(const Tensor& x, const Tensor& weight, const Tensor& bias, double eps,
                                   const Tensor& y, const Tensor& mean, const Tensor& rstd) {
  const int64_t n = x.size(-1);
  const int64_t rows = n == 0 ? 0 : x.numel() / n;
  cpu::dispatch_float(x.dtype(), "layer_norm", [&](auto tag) {
    using T = decltype(tag);
    const T* xp = cpu::ptr<T>(x);
    const ParamRow<T> w(weight, n, T(1)), b(bias, n, T(0));
    T* yp = cpu::ptr<T>(y);
    T* mp = cpu::ptr<T>(mean);
    T* rp = cpu::ptr<T>(rstd);
#pragma omp parallel for schedule(static) if (rows * n > cpu::kParallelGrain)
    for (int64_t r = 0; r < rows; ++r) {
      const T* xr = xp + r * n;
      T* yr = yp + r * n;
      const double mu = cpu::lane_sum(n, [&](int64_t i) { return static_cast<double>(xr[i]); }) / n;
      const double sq = cpu::lane_sum(n, [&](int64_t i) {
        const double d = xr[i] - mu;
        return d * d;
      });
      const double rs = math::layernorm_rstd(sq, n, eps);
      mp[r] = static_cast<T>(mu);
      rp[r] = static_cast<T>(rs);
      const T mu_t = static_cast<T>(mu), rs_t = static_cast<T>(rs);
      for (int64_t i = 0; i < n; ++i) yr[i] = math::layernorm_output(xr[i], mu_t, rs_t, w.data[i], b.data[i]);
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
    const ParamRow<T> w(weight, n, T(1));
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
      auto g_at = [&](int64_t i) { return static_cast<double>(gr[i] * w.data[i]); };
      const double mean_g = cpu::lane_sum(n, g_at) / n;
      const double mean_gx =
          cpu::lane_sum(n, [&](int64_t i) { return math::layernorm_g_xhat(g_at(i), xr[i], mu, rs); }) / n;
      // The sums above need double; this elementwise step does not, and in
      // T it runs on twice as many elements per vector instruction.
      const T mu_t = static_cast<T>(mu), rs_t = static_cast<T>(rs);
      const T mean_g_t = static_cast<T>(mean_g), mean_gx_t = static_cast<T>(mean_gx);
      for (int64_t i = 0; i < n; ++i)
        out[i] = math::layernorm_input_grad(gr[i] * w.data[i], mean_g_t, math::layernorm_xhat(xr[i], mu_t, rs_t),
                                            mean_gx_t, rs_t);
    }
    // Parameter gradients: sums over rows, one task per block of columns,
    // rows in order (deterministic for any thread count).
    if (gweight.defined() || gbias.defined()) {
      T* gw = gweight.defined() ? cpu::ptr<T>(gweight) : nullptr;
      T* gb = gbias.defined() ? cpu::ptr<T>(gbias) : nullptr;
      const int64_t blocks = (n + kGradCols - 1) / kGradCols;
#pragma omp parallel for schedule(static) if (rows * n > cpu::kParallelGrain && blocks > 1)
      for (int64_t block = 0; block < blocks; ++block) {
        const int64_t c0 = block * kGradCols, width = std::min(kGradCols, n - c0);
        double sw[kGradCols] = {}, sb[kGradCols] = {};
        for (int64_t r = 0; r < rows; ++r) {
          const T* g = gp + r * n + c0;
          const T* xr = xp + r * n + c0;
          const double mu = mp[r], rs = rp[r];
          for (int64_t c = 0; c < width; ++c) {
            sw[c] += math::layernorm_g_xhat(g[c], xr[c], mu, rs);
            sb[c] += g[c];
          }
        }
        for (int64_t c = 0; c < width; ++c) {
          if (gw) gw[c0 + c] = static_cast<T>(sw[c]);
          if (gb) gb[c0 + c] = static_cast<T>(sb[c]);
        }
      }
    }
  });
}

}  // namespace nlammr
