// Masked softmax and log-softmax over the rows of x [rows, n], as
// kernels/cpu/softmax.cpp: masked entries output 0 (and get gradient 0), and
// a fully masked row outputs zeros instead of NaN.
//
// One warp per row for rows up to 1024 elements, one block per row beyond
// (launch_config.h). Three passes over the row, as on the CPU: the maximum
// (so exp never overflows), the exponentials and their sum (in double), and
// the normalisation. The passes re-read x from global memory; a row is at
// most a few KiB and stays in L1/L2 between them. The per-element formulas
// are the CPU's (kernels/common/row_math.h).
#include "kernels/common/row_math.h"
#include "kernels/cuda/cuda_backend_impl.cuh"
#include "kernels/cuda/device_utils.cuh"
#include "kernels/cuda/row_group.cuh"

namespace nlammr::cuda {
namespace {

template <typename T, typename Group>
__device__ void softmax_row(const Group& g, const T* x, const uint8_t* m, T* y, int64_t n, bool log) {
  T mx = neg_infinity<T>();
  for (int64_t i = g.rank(); i < n; i += g.size())
    if (!m || m[i]) mx = max_keep(mx, x[i]);
  mx = g.max(mx);
  if (mx == neg_infinity<T>()) {  // fully masked (or all -inf): no distribution
    for (int64_t i = g.rank(); i < n; i += g.size()) y[i] = T(0);
    return;
  }
  double sum = 0.0;
  for (int64_t i = g.rank(); i < n; i += g.size()) {
    const T e = (!m || m[i]) ? dev_exp(x[i] - mx) : T(0);
    y[i] = e;
    sum += e;
  }
  sum = g.sum(sum);
  // Each thread rescales only the entries it wrote itself: no barrier needed.
  if (log) {
    const T log_sum = static_cast<T>(::log(sum));
    for (int64_t i = g.rank(); i < n; i += g.size())
      y[i] = (!m || m[i]) ? math::log_softmax_value(x[i], mx, log_sum) : T(0);
  } else {
    const T inv = static_cast<T>(1.0 / sum);
    for (int64_t i = g.rank(); i < n; i += g.size()) y[i] *= inv;
  }
}

// softmax: gx = y (gy - sum(gy y));  log_softmax: gx = gy - exp(y) sum(gy).
template <typename T, typename Group>
__device__ void softmax_backward_row(const Group& g, const T* y, const T* gy, const uint8_t* m, T* gx,
                                     int64_t n, bool log) {
  double dot = 0.0, kept = 0.0;
  for (int64_t i = g.rank(); i < n; i += g.size()) {
    if (m && !m[i]) continue;
    kept += 1.0;
    dot += static_cast<double>(math::softmax_backward_term(y[i], gy[i], log));  // in T, as on the CPU
  }
  dot = g.sum(dot);
  const bool any = g.sum(kept) > 0.0;
  const T d = static_cast<T>(dot);
  for (int64_t i = g.rank(); i < n; i += g.size()) {
    gx[i] = !any || (m && !m[i]) ? T(0) : math::softmax_backward_value(y[i], gy[i], d, log);
  }
}

template <typename T>
__global__ void softmax_warp_kernel(const T* x, const uint8_t* mask, T* y, int64_t rows, int64_t n,
                                    bool log) {
  for (int64_t r = global_warp(); r < rows; r += total_warps())
    softmax_row(WarpGroup{}, x + r * n, mask ? mask + r * n : nullptr, y + r * n, n, log);
}

template <typename T>
__global__ void softmax_block_kernel(const T* x, const uint8_t* mask, T* y, int64_t rows, int64_t n,
                                     bool log) {
  __shared__ double sum_scratch[33], max_d[33];
  __shared__ float max_f[33];
  const BlockGroup g{sum_scratch, max_f, max_d};
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x)
    softmax_row(g, x + r * n, mask ? mask + r * n : nullptr, y + r * n, n, log);
}

template <typename T>
__global__ void softmax_backward_warp_kernel(const T* y, const T* gy, const uint8_t* mask, T* gx,
                                             int64_t rows, int64_t n, bool log) {
  for (int64_t r = global_warp(); r < rows; r += total_warps())
    softmax_backward_row(WarpGroup{}, y + r * n, gy + r * n, mask ? mask + r * n : nullptr, gx + r * n, n,
                         log);
}

template <typename T>
__global__ void softmax_backward_block_kernel(const T* y, const T* gy, const uint8_t* mask, T* gx,
                                              int64_t rows, int64_t n, bool log) {
  __shared__ double sum_scratch[33], max_d[33];
  __shared__ float max_f[33];
  const BlockGroup g{sum_scratch, max_f, max_d};
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x)
    softmax_backward_row(g, y + r * n, gy + r * n, mask ? mask + r * n : nullptr, gx + r * n, n, log);
}

}  // namespace

void CudaBackend::softmax_forward(const Tensor& x, const Tensor& mask, const Tensor& y, bool log) {
  const int64_t n = x.dim() == 0 ? 1 : x.size(-1);
  const int64_t rows = n == 0 ? 0 : x.numel() / n;
  if (rows == 0) return;
  activate();
  const uint8_t* m = mask.defined() ? ptr<uint8_t>(mask) : nullptr;
  dispatch_float(x.dtype(), log ? "log_softmax" : "softmax", [&](auto tag) {
    using T = decltype(tag);
    if (softmax_uses_warp_per_row(n)) {
      launch("softmax_warp_kernel", softmax_warp_kernel<T>, grid_blocks(rows, kWarpsPerBlock), kBlockThreads,
             0, stream_, ptr<T>(x), m, ptr<T>(y), rows, n, log);
    } else {
      launch("softmax_block_kernel", softmax_block_kernel<T>, grid_blocks(rows, 1), kBlockThreads, 0, stream_,
             ptr<T>(x), m, ptr<T>(y), rows, n, log);
    }
  });
  NLAMMR_CUDA_LAUNCH_CHECK(stream_, log ? "log_softmax" : "softmax", describe({x, mask, y}));
}

void CudaBackend::softmax_backward(const Tensor& y, const Tensor& gy, const Tensor& mask, const Tensor& gx,
                                   bool log) {
  const int64_t n = y.dim() == 0 ? 1 : y.size(-1);
  const int64_t rows = n == 0 ? 0 : y.numel() / n;
  if (rows == 0) return;
  activate();
  const uint8_t* m = mask.defined() ? ptr<uint8_t>(mask) : nullptr;
  dispatch_float(y.dtype(), log ? "log_softmax backward" : "softmax backward", [&](auto tag) {
    using T = decltype(tag);
    if (softmax_uses_warp_per_row(n)) {
      launch("softmax_backward_warp_kernel", softmax_backward_warp_kernel<T>,
             grid_blocks(rows, kWarpsPerBlock), kBlockThreads, 0, stream_, ptr<T>(y), ptr<T>(gy), m,
             ptr<T>(gx), rows, n, log);
    } else {
      launch("softmax_backward_block_kernel", softmax_backward_block_kernel<T>, grid_blocks(rows, 1),
             kBlockThreads, 0, stream_, ptr<T>(y), ptr<T>(gy), m, ptr<T>(gx), rows, n, log);
    }
  });
  NLAMMR_CUDA_LAUNCH_CHECK(stream_, log ? "log_softmax backward" : "softmax backward",
                           describe({y, gy, mask, gx}));
}

}  // namespace nlammr::cuda
