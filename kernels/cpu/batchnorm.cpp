// Batch normalisation over the rows of x [N, C] (BatchNorm1d, the GIN's
// normalisation), fused: the statistics in two passes over x (the mean, then
// the squared deviations, as layernorm.cpp does, for the same reason), the
// normalisation in one, the backward in two. Composed from elementwise ops,
// the same computation reads and writes [N, C] about eight times forward and
// fifteen times backward.
//
// Column sums walk the rows in fixed chunks of kRowChunk: the chunks run in
// parallel and their partial sums are added in chunk order, so the result
// does not depend on the thread count. Sums are accumulated in double.
#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/cpu/common.h"
#include "kernels/cpu/cpu_backend.h"

namespace nlammr {
namespace {

constexpr int64_t kRowChunk = 256;

// Sums over the rows of `width` accumulators: add_row(r, acc) adds row r's
// contributions to acc[0 .. width). Returns the totals.
template <typename AddRow>
std::vector<double> column_sums(int64_t rows, int64_t width, AddRow add_row) {
  const int64_t chunks = std::max<int64_t>(1, (rows + kRowChunk - 1) / kRowChunk);
  std::vector<double> partial(static_cast<size_t>(chunks * width), 0.0);
#pragma omp parallel for schedule(static) if (chunks > 1 && rows * width > cpu::kParallelGrain)
  for (int64_t chunk = 0; chunk < chunks; ++chunk) {
    double* acc = partial.data() + chunk * width;
    const int64_t end = std::min(rows, (chunk + 1) * kRowChunk);
    for (int64_t r = chunk * kRowChunk; r < end; ++r) add_row(r, acc);
  }
  std::vector<double> total(static_cast<size_t>(width), 0.0);
  for (int64_t chunk = 0; chunk < chunks; ++chunk)
    for (int64_t i = 0; i < width; ++i) total[i] += partial[chunk * width + i];
  return total;
}

// The parameter's values, or `cols` copies of `fallback` when it is undefined.
template <typename T>
struct ColumnParam {
  ColumnParam(const Tensor& param, int64_t cols, T fallback)
      : own(param.defined() ? 0 : static_cast<size_t>(cols), fallback),
        data(param.defined() ? cpu::ptr<T>(param) : own.data()) {}
  std::vector<T> own;
  const T* data;
};

}  // namespace

void CpuBackend::batchnorm_stats(const Tensor& x, const Tensor& mean, const Tensor& var) {
  const int64_t rows = x.size(0), cols = x.size(1);
  cpu::dispatch_float(x.dtype(), "batch_norm", [&](auto tag) {
    using T = decltype(tag);
    const T* xp = cpu::ptr<T>(x);
    std::vector<double> mu = column_sums(rows, cols, [&](int64_t r, double* acc) {
      const T* xr = xp + r * cols;
      for (int64_t c = 0; c < cols; ++c) acc[c] += xr[c];
    });
    for (double& m : mu) m /= static_cast<double>(rows);
    const std::vector<double> sq = column_sums(rows, cols, [&](int64_t r, double* acc) {
      const T* xr = xp + r * cols;
      for (int64_t c = 0; c < cols; ++c) {
        const double d = xr[c] - mu[c];
        acc[c] += d * d;
      }
    });
    T* mp = cpu::ptr<T>(mean);
    T* vp = cpu::ptr<T>(var);
    for (int64_t c = 0; c < cols; ++c) {
      mp[c] = static_cast<T>(mu[c]);
      vp[c] = static_cast<T>(sq[c] / static_cast<double>(rows));
    }
  });
}

void CpuBackend::batchnorm_apply(const Tensor& x, const Tensor& mean, const Tensor& rstd, const Tensor& weight,
                                 const Tensor& bias, const Tensor& y) {
  const int64_t rows = x.size(0), cols = x.size(1);
  cpu::dispatch_float(x.dtype(), "batch_norm", [&](auto tag) {
    using T = decltype(tag);
    const T* xp = cpu::ptr<T>(x);
    const T* mp = cpu::ptr<T>(mean);
    const T* rp = cpu::ptr<T>(rstd);
    const ColumnParam<T> w(weight, cols, T(1)), b(bias, cols, T(0));
    T* yp = cpu::ptr<T>(y);
#pragma omp parallel for schedule(static) if (rows * cols > cpu::kParallelGrain)
    for (int64_t r = 0; r < rows; ++r) {
      const T* xr = xp + r * cols;
      T* yr = yp + r * cols;
      // The composed op's order: ((x - mean) * rstd) * weight + bias.
      for (int64_t c = 0; c < cols; ++c) yr[c] = (xr[c] - mp[c]) * rp[c] * w.data[c] + b.data[c];
    }
  });
}

void CpuBackend::batchnorm_backward(const Tensor& x, const Tensor& mean, const Tensor& rstd,
                                    const Tensor& weight, const Tensor& gy, bool batch_stats, const Tensor& gx,
                                    const Tensor& gweight, const Tensor& gbias) {
  const int64_t rows = x.size(0), cols = x.size(1);
  cpu::dispatch_float(x.dtype(), "batch_norm backward", [&](auto tag) {
    using T = decltype(tag);
    const T* xp = cpu::ptr<T>(x);
    const T* mp = cpu::ptr<T>(mean);
    const T* rp = cpu::ptr<T>(rstd);
    const T* gp = cpu::ptr<T>(gy);
    const ColumnParam<T> w(weight, cols, T(1));
    // Column sums of gy (acc[0, C)) and of gy * xhat (acc[C, 2C)).
    const std::vector<double> sums = column_sums(rows, 2 * cols, [&](int64_t r, double* acc) {
      const T* xr = xp + r * cols;
      const T* gr = gp + r * cols;
      for (int64_t c = 0; c < cols; ++c) {
        const double g = gr[c];
        acc[c] += g;
        acc[cols + c] += g * ((static_cast<double>(xr[c]) - mp[c]) * rp[c]);
      }
    });
    if (gbias.defined())
      for (int64_t c = 0; c < cols; ++c) cpu::ptr<T>(gbias)[c] = static_cast<T>(sums[c]);
    if (gweight.defined())
      for (int64_t c = 0; c < cols; ++c) cpu::ptr<T>(gweight)[c] = static_cast<T>(sums[cols + c]);
    if (!gx.defined()) return;

    // With g = gy * weight: colmean(g) = weight * sum(gy) / N and
    // colmean(g * xhat) = weight * sum(gy * xhat) / N. Per column, then
    //   gx = scale * gy - shift - xhat * slope
    // with scale = weight * rstd, shift = rstd * colmean(g), slope = rstd * colmean(g * xhat)
    // (shift and slope are 0 with running statistics).
    std::vector<T> scale(static_cast<size_t>(cols)), shift(static_cast<size_t>(cols), T(0)),
        slope(static_cast<size_t>(cols), T(0));
    const double inv_rows = 1.0 / static_cast<double>(rows);
    for (int64_t c = 0; c < cols; ++c) {
      const double wc = w.data[c], rc = rp[c];
      scale[c] = static_cast<T>(wc * rc);
      if (batch_stats) {
        shift[c] = static_cast<T>(rc * wc * sums[c] * inv_rows);
        slope[c] = static_cast<T>(rc * wc * sums[cols + c] * inv_rows);
      }
    }
    T* out = cpu::ptr<T>(gx);
#pragma omp parallel for schedule(static) if (rows * cols > cpu::kParallelGrain)
    for (int64_t r = 0; r < rows; ++r) {
      const T* xr = xp + r * cols;
      const T* gr = gp + r * cols;
      T* o = out + r * cols;
      for (int64_t c = 0; c < cols; ++c) {
        const T xhat = (xr[c] - mp[c]) * rp[c];
        o[c] = scale[c] * gr[c] - shift[c] - xhat * slope[c];
      }
    }
  });
}

}  // namespace nlammr
