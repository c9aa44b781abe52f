// Masked softmax and log-softmax over the rows of x [rows, n].
//
// Masked entries (mask == 0) are not part of the distribution: their output
// and gradient are 0. A row with every entry masked has no distribution at
// all; it outputs zeros rather than the 0/0 = NaN a naive version gives.
//
// The loops are written to vectorise (kernels/cpu/vector_math.h): sums in
// lanes, exp without a library call, and the mask applied with a select
// rather than a branch. Without a mask every row reads one shared row
// of ones, so there is a single code path.
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "kernels/common/row_math.h"
#include "kernels/cpu/common.h"
#include "kernels/cpu/cpu_backend.h"
#include "kernels/cpu/vector_math.h"

namespace nlammr {
namespace {

// Largest of x[0..n), n > 0. The order of comparisons does not change a
// maximum, so Eigen's vectorised reduction gives the exact answer.
template <typename T>
T row_max(const T* x, int64_t n) {
  return Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>(x, n).maxCoeff();
}

// Row r of the mask, or the shared row of ones when there is no mask.
struct RowMask {
  RowMask(const Tensor& mask, int64_t n)
      : data_(mask.defined() ? cpu::ptr<uint8_t>(mask) : nullptr),
        ones_(data_ ? 0 : static_cast<size_t>(n), 1),
        n_(n) {}
  const uint8_t* row(int64_t r) const { return data_ ? data_ + r * n_ : ones_.data(); }

 private:
  const uint8_t* data_;
  std::vector<uint8_t> ones_;
  int64_t n_;
};

}  // namespace

void CpuBackend::softmax_forward(const Tensor& x, const Tensor& mask, const Tensor& y, bool log) {
  const int64_t n = x.size(-1);
  const int64_t rows = n == 0 ? 0 : x.numel() / n;
  const RowMask masks(mask, n);
  cpu::dispatch_float(x.dtype(), log ? "log_softmax" : "softmax", [&](auto tag) {
    using T = decltype(tag);
    constexpr T kNegInf = -std::numeric_limits<T>::infinity();
    const T* xp = cpu::ptr<T>(x);
    T* yp = cpu::ptr<T>(y);
#pragma omp parallel for schedule(static) if (rows * n > cpu::kParallelGrain)
    for (int64_t r = 0; r < rows; ++r) {
      const T* xr = xp + r * n;
      T* yr = yp + r * n;
      const uint8_t* mr = masks.row(r);
      // Pass 1: the row maximum, so exp() never overflows. Masked entries
      // are staged in y as -inf, which exp() turns into 0 in pass 2. (Each
      // value is read before the mask is tested: a read that happens either
      // way lets the compiler vectorise the select.)
      for (int64_t i = 0; i < n; ++i) {
        const T v = xr[i];
        yr[i] = mr[i] ? v : kNegInf;
      }
      const T max = row_max(yr, n);
      if (max == kNegInf) {  // fully masked (or all -inf)
        std::fill(yr, yr + n, T(0));
        continue;
      }
      // Pass 2: exponentials and their sum.
      for (int64_t i = 0; i < n; ++i) yr[i] = cpu::fast_exp(yr[i] - max);
      const double sum = cpu::lane_sum(n, [&](int64_t i) { return static_cast<double>(yr[i]); });
      // Pass 3: normalise.
      if (log) {
        const T log_sum = static_cast<T>(std::log(sum));
        for (int64_t i = 0; i < n; ++i) {
          const T v = math::log_softmax_value(xr[i], max, log_sum);
          yr[i] = mr[i] ? v : T(0);
        }
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
  const RowMask masks(mask, n);
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
      const uint8_t* mr = masks.row(r);
      if (std::none_of(mr, mr + n, [](uint8_t keep) { return keep != 0; })) {  // fully masked
        std::fill(out, out + n, T(0));
        continue;
      }
      // The terms of the sum, masked, staged in `out`.
      for (int64_t i = 0; i < n; ++i) {
        const T term = math::softmax_backward_term(yr[i], gr[i], log);
        out[i] = mr[i] ? term : T(0);
      }
      const T dot = static_cast<T>(cpu::lane_sum(n, [&](int64_t i) { return static_cast<double>(out[i]); }));
      for (int64_t i = 0; i < n; ++i) {
        const T g = math::softmax_backward_value<cpu::FastMath>(yr[i], gr[i], dot, log);
        out[i] = mr[i] ? g : T(0);
      }
    }
  });
}

}  // namespace nlammr
