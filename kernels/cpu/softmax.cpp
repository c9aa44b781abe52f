// Masked softmax and log-softmax over the rows of x [rows, n].
//
// Masked entries (mask == 0) are not part of the distribution: their output
// and gradient are 0. A row with every entry masked has no distribution at
// all; it outputs zeros rather than the 0/0 = NaN a naive version gives.
#include <cmath>
#include <limits>

#include "kernels/cpu/common.h"
#include "kernels/cpu/cpu_backend.h"

namespace nlammr {

void CpuBackend::softmax_forward(const Tensor& x, const Tensor& mask, const Tensor& y, bool log) {
  const int64_t n = x.size(-1);
  const int64_t rows = n == 0 ? 0 : x.numel() / n;
  const uint8_t* m = mask.defined() ? cpu::ptr<uint8_t>(mask) : nullptr;
  cpu::dispatch_float(x.dtype(), log ? "log_softmax" : "softmax", [&](auto tag) {
    using T = decltype(tag);
    const T* xp = cpu::ptr<T>(x);
    T* yp = cpu::ptr<T>(y);
#pragma omp parallel for schedule(static) if (rows * n > cpu::kParallelGrain)
    for (int64_t r = 0; r < rows; ++r) {
      const T* xr = xp + r * n;
      T* yr = yp + r * n;
      const uint8_t* mr = m ? m + r * n : nullptr;
      // Pass 1: the row maximum, so exp() never overflows.
      T max = -std::numeric_limits<T>::infinity();
      for (int64_t i = 0; i < n; ++i)
        if (!mr || mr[i]) max = std::max(max, xr[i]);
      if (max == -std::numeric_limits<T>::infinity()) {  // fully masked (or all -inf)
        for (int64_t i = 0; i < n; ++i) yr[i] = T(0);
        continue;
      }
      // Pass 2: exponentials and their sum.
      double sum = 0.0;
      for (int64_t i = 0; i < n; ++i) {
        const T e = (!mr || mr[i]) ? std::exp(xr[i] - max) : T(0);
        yr[i] = e;
        sum += e;
      }
      // Pass 3: normalise.
      if (log) {
        const T log_sum = static_cast<T>(std::log(sum));
        for (int64_t i = 0; i < n; ++i) yr[i] = (!mr || mr[i]) ? xr[i] - max - log_sum : T(0);
      } else {
        const T inv = static_cast<T>(1.0 / sum);
        for (int64_t i = 0; i < n; ++i) yr[i] *= inv;
      }
    }
  });
}

// softmax:     gx = y * (gy - sum(gy * y))
// log_softmax: gx = gy - exp(y) * sum(gy)
void CpuBackend::softmax_backward(const Tensor& y, const Tensor& gy, const Tensor& mask, const Tensor& gx,
                                  bool log) {
  const int64_t n = y.size(-1);
  const int64_t rows = n == 0 ? 0 : y.numel() / n;
  const uint8_t* m = mask.defined() ? cpu::ptr<uint8_t>(mask) : nullptr;
  cpu::dispatch_float(y.dtype(), log ? "log_softmax backward" : "softmax backward", [&](auto tag) {
    using T = decltype(tag);
    const T* yp = cpu::ptr<T>(y);
    const T* gp = cpu::ptr<T>(gy);
    T* gxp = cpu::ptr<T>(gx);
#pragma omp parallel for schedule(static) if (rows * n > cpu::kParallelGrain)
    for (int64_t r = 0; r < rows; ++r) {
      const T* yr = yp + r * n;
      const T* gr = gp + r * n;
      T* out = gxp + r * n;
      const uint8_t* mr = m ? m + r * n : nullptr;
      bool any = false;
      double dot = 0.0;
      for (int64_t i = 0; i < n; ++i) {
        if (mr && !mr[i]) continue;
        any = true;
        dot += log ? gr[i] : gr[i] * yr[i];
      }
      for (int64_t i = 0; i < n; ++i) {
        if (!any || (mr && !mr[i])) {
          out[i] = T(0);
        } else if (log) {
          out[i] = gr[i] - std::exp(yr[i]) * static_cast<T>(dot);
        } else {
          out[i] = yr[i] * (gr[i] - static_cast<T>(dot));
        }
      }
    }
  });
}

}  // namespace nlammr
