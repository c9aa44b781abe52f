// Sum and max over the middle axis of x viewed as [outer, n, inner].
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "kernels/cpu/common.h"
#include "kernels/cpu/cpu_backend.h"
#include "kernels/cpu/vector_math.h"

namespace nlammr {
namespace {

// Sums are accumulated in double: float32 inputs then round once at the end,
// which keeps long reductions (a loss over a large batch) accurate.
constexpr int64_t kSumBlock = 4096;

// Sum of a contiguous row (in lanes, so that it vectorises; vector_math.h).
template <typename T>
double row_sum(const T* x, int64_t n) {
  return cpu::lane_sum(n, [x](int64_t i) { return static_cast<double>(x[i]); });
}

// Sum of a long contiguous run, split into fixed-size blocks whose partial
// sums are added in block order: parallel, yet the same bits for any number
// of threads because the blocking does not depend on the thread count.
template <typename T>
double sum_run(const T* x, int64_t n) {
  const int64_t blocks = (n + kSumBlock - 1) / kSumBlock;
  if (blocks <= 1) return row_sum(x, n);
  std::vector<double> partial(static_cast<size_t>(blocks));
#pragma omp parallel for schedule(static)
  for (int64_t b = 0; b < blocks; ++b) {
    const int64_t begin = b * kSumBlock;
    partial[b] = row_sum(x + begin, std::min(n, begin + kSumBlock) - begin);
  }
  double acc = 0.0;
  for (double p : partial) acc += p;
  return acc;
}

template <typename T>
void reduce_sum(const T* x, int64_t outer, int64_t n, int64_t inner, T* out) {
  if (inner == 1) {
    if (outer == 1) {
      out[0] = static_cast<T>(sum_run(x, n));
      return;
    }
#pragma omp parallel for schedule(static) if (outer * n > cpu::kParallelGrain)
    for (int64_t o = 0; o < outer; ++o) out[o] = static_cast<T>(row_sum(x + o * n, n));
    return;
  }
  // Columns: each thread owns a block of columns and walks the n rows in
  // order, so memory is read row by row and every output has one writer.
  constexpr int64_t kCols = 256;
  const int64_t col_blocks = (inner + kCols - 1) / kCols;
#pragma omp parallel for collapse(2) schedule(static) if (outer * n * inner > cpu::kParallelGrain)
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t cb = 0; cb < col_blocks; ++cb) {
      const int64_t c0 = cb * kCols, c1 = std::min(inner, c0 + kCols);
      double acc[kCols] = {};
      for (int64_t i = 0; i < n; ++i) {
        const T* row = x + (o * n + i) * inner;
        for (int64_t c = c0; c < c1; ++c) acc[c - c0] += row[c];
      }
      for (int64_t c = c0; c < c1; ++c) out[o * inner + c] = static_cast<T>(acc[c - c0]);
    }
  }
}

// NaN propagates, as in PyTorch: a NaN anywhere in the slice is the maximum.
template <typename T>
void reduce_max(const T* x, int64_t outer, int64_t n, int64_t inner, T* out, int64_t* argmax) {
#pragma omp parallel for collapse(2) schedule(static) if (outer * n * inner > cpu::kParallelGrain)
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t c = 0; c < inner; ++c) {
      T best = -std::numeric_limits<T>::infinity();
      int64_t best_i = 0;
      for (int64_t i = 0; i < n; ++i) {
        const T v = x[(o * n + i) * inner + c];
        if (std::isnan(v)) { best = v; best_i = i; break; }
        if (v > best) { best = v; best_i = i; }
      }
      out[o * inner + c] = best;
      if (argmax) argmax[o * inner + c] = best_i;
    }
  }
}

}  // namespace

void CpuBackend::reduce(ReduceOp op, const Tensor& x, int64_t outer, int64_t n, int64_t inner,
                        const Tensor& out, const Tensor& argmax) {
  cpu::dispatch_float(x.dtype(), op == ReduceOp::Sum ? "sum" : "max", [&](auto tag) {
    using T = decltype(tag);
    if (op == ReduceOp::Sum) {
      reduce_sum(cpu::ptr<T>(x), outer, n, inner, cpu::ptr<T>(out));
    } else {
      reduce_max(cpu::ptr<T>(x), outer, n, inner, cpu::ptr<T>(out),
                 argmax.defined() ? cpu::ptr<int64_t>(argmax) : nullptr);
    }
  });
}

void CpuBackend::scatter_argmax(const Tensor& gy, const Tensor& argmax, int64_t outer, int64_t n,
                                int64_t inner, const Tensor& gx) {
  cpu::dispatch_float(gy.dtype(), "max backward", [&](auto tag) {
    using T = decltype(tag);
    const T* g = cpu::ptr<T>(gy);
    const int64_t* idx = cpu::ptr<int64_t>(argmax);
    T* out = cpu::ptr<T>(gx);
    std::fill(out, out + outer * n * inner, T(0));
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t c = 0; c < inner; ++c) out[(o * n + idx[o * inner + c]) * inner + c] = g[o * inner + c];
  });
}

}  // namespace nlammr
