// LayerNorm over the rows of x [rows, n], as kernels/cpu/layernorm.cpp:
//   y = (x - mean) * rstd * weight + bias,  rstd = 1 / sqrt(var + eps)
// with the biased variance from two passes (mean first, then squared
// deviations), accumulated in double like the CPU, from the CPU's
// per-element formulas (kernels/common/row_math.h).
//
// One warp per row for the forward and for gx: a row of a transformer
// (768 floats) is 24 values per lane; the second pass re-reads them from L1.
// The parameter gradients are column sums over all rows, done without atomics
// in two stages: one thread per (chunk of 64 rows, column) sums its chunk in
// row order, then one thread per column adds the chunk partials in order.
#include "kernels/common/row_math.h"
#include "kernels/cuda/cuda_backend_impl.cuh"
#include "kernels/cuda/device_utils.cuh"
#include "kernels/cuda/row_group.cuh"

namespace nlammr::cuda {
namespace {

template <typename T>
__global__ void layernorm_forward_kernel(const T* x, const T* w, const T* b, double eps, T* y, T* mean,
                                         T* rstd, int64_t rows, int64_t n) {
  const int lane = threadIdx.x % kWarpSize;
  for (int64_t r = global_warp(); r < rows; r += total_warps()) {
    const T* xr = x + r * n;
    T* yr = y + r * n;
    double sum = 0.0;
    for (int64_t i = lane; i < n; i += kWarpSize) sum += static_cast<double>(xr[i]);
    const double mu = warp_sum(sum) / static_cast<double>(n);
    double sq = 0.0;
    for (int64_t i = lane; i < n; i += kWarpSize) {
      const double d = static_cast<double>(xr[i]) - mu;
      sq += d * d;
    }
    const double rs = math::layernorm_rstd(warp_sum(sq), n, eps);
    if (lane == 0) {
      mean[r] = static_cast<T>(mu);
      rstd[r] = static_cast<T>(rs);
    }
    const T mu_t = static_cast<T>(mu), rs_t = static_cast<T>(rs);
    for (int64_t i = lane; i < n; i += kWarpSize)
      yr[i] = math::layernorm_output(xr[i], mu_t, rs_t, w ? w[i] : T(1), b ? b[i] : T(0));
  }
}

// gx = rstd * (g - mean(g) - xhat * mean(g * xhat)),  g = gy * weight.
template <typename T>
__global__ void layernorm_backward_kernel(const T* x, const T* w, const T* mean, const T* rstd, const T* gy,
                                          T* gx, int64_t rows, int64_t n) {
  const int lane = threadIdx.x % kWarpSize;
  for (int64_t r = global_warp(); r < rows; r += total_warps()) {
    const T* xr = x + r * n;
    const T* gr = gy + r * n;
    const double mu = mean[r], rs = rstd[r];
    double mean_g = 0.0, mean_gx = 0.0;
    for (int64_t i = lane; i < n; i += kWarpSize) {
      const double g = w ? gr[i] * w[i] : gr[i];  // the product in T, as on the CPU
      mean_g += g;
      mean_gx += math::layernorm_g_xhat(g, xr[i], mu, rs);
    }
    mean_g = warp_sum(mean_g) / static_cast<double>(n);
    mean_gx = warp_sum(mean_gx) / static_cast<double>(n);
    for (int64_t i = lane; i < n; i += kWarpSize) {
      const double g = w ? gr[i] * w[i] : gr[i];
      const double xhat = math::layernorm_xhat<double>(xr[i], mu, rs);
      gx[r * n + i] = static_cast<T>(math::layernorm_input_grad(g, mean_g, xhat, mean_gx, rs));
    }
  }
}

// Stage 1: thread (c, i) sums rows [c * chunk, (c + 1) * chunk) of column i.
template <typename T>
__global__ void layernorm_param_grad_chunks_kernel(const T* x, const T* mean, const T* rstd, const T* gy,
                                                   int64_t rows, int64_t n, int64_t chunk, int64_t chunks,
                                                   double* partial_w, double* partial_b, T* gw, T* gb) {
  for (int64_t t = first_index(); t < chunks * n; t += grid_stride()) {
    const int64_t i = t % n, c = t / n;
    const int64_t end = min(rows, (c + 1) * chunk);
    double sw = 0.0, sb = 0.0;
    for (int64_t r = c * chunk; r < end; ++r) {
      const double g = gy[r * n + i];
      sw += math::layernorm_g_xhat(g, x[r * n + i], mean[r], rstd[r]);
      sb += g;
    }
    if (chunks == 1) {
      if (gw) gw[i] = static_cast<T>(sw);
      if (gb) gb[i] = static_cast<T>(sb);
    } else {
      partial_w[t] = sw;
      partial_b[t] = sb;
    }
  }
}

// Stage 2: column i adds its chunk partials in chunk order.
template <typename T>
__global__ void layernorm_param_grad_finish_kernel(const double* partial_w, const double* partial_b,
                                                   int64_t n, int64_t chunks, T* gw, T* gb) {
  for (int64_t i = first_index(); i < n; i += grid_stride()) {
    double sw = 0.0, sb = 0.0;
    for (int64_t c = 0; c < chunks; ++c) {
      sw += partial_w[c * n + i];
      sb += partial_b[c * n + i];
    }
    if (gw) gw[i] = static_cast<T>(sw);
    if (gb) gb[i] = static_cast<T>(sb);
  }
}

}  // namespace

void CudaBackend::layernorm_forward(const Tensor& x, const Tensor& weight, const Tensor& bias, double eps,
                                    const Tensor& y, const Tensor& mean, const Tensor& rstd) {
  const int64_t n = x.size(-1);
  const int64_t rows = n == 0 ? 0 : x.numel() / n;
  if (rows == 0) return;
  activate();
  dispatch_float(x.dtype(), "layer_norm", [&](auto tag) {
    using T = decltype(tag);
    launch("layernorm_forward_kernel", layernorm_forward_kernel<T>, grid_blocks(rows, kWarpsPerBlock),
           kBlockThreads, 0, stream_, ptr<T>(x), weight.defined() ? ptr<T>(weight) : nullptr,
           bias.defined() ? ptr<T>(bias) : nullptr, eps, ptr<T>(y), ptr<T>(mean), ptr<T>(rstd), rows, n);
  });
  NLAMMR_CUDA_LAUNCH_CHECK(stream_, "layer_norm", describe({x, weight, bias, y}));
}

void CudaBackend::layernorm_backward(const Tensor& x, const Tensor& weight, const Tensor& mean,
                                     const Tensor& rstd, const Tensor& gy, const Tensor& gx,
                                     const Tensor& gweight, const Tensor& gbias) {
  const int64_t n = x.size(-1);
  const int64_t rows = n == 0 ? 0 : x.numel() / n;
  activate();
  dispatch_float(x.dtype(), "layer_norm backward", [&](auto tag) {
    using T = decltype(tag);
    if (rows > 0) {
      launch("layernorm_backward_kernel", layernorm_backward_kernel<T>, grid_blocks(rows, kWarpsPerBlock),
             kBlockThreads, 0, stream_, ptr<T>(x), weight.defined() ? ptr<T>(weight) : nullptr, ptr<T>(mean),
             ptr<T>(rstd), ptr<T>(gy), ptr<T>(gx), rows, n);
      NLAMMR_CUDA_LAUNCH_CHECK(stream_, "layer_norm backward", describe({x, weight, gy, gx}));
    }
    if (!gweight.defined() && !gbias.defined()) return;
    if (n == 0) return;
    T* gw = gweight.defined() ? ptr<T>(gweight) : nullptr;
    T* gb = gbias.defined() ? ptr<T>(gbias) : nullptr;
    if (rows == 0) {  // no rows: the sums are empty
      if (gw) fill(gweight, 0.0);
      if (gb) fill(gbias, 0.0);
      return;
    }
    const int64_t chunk = kLayerNormGradRowChunk, chunks = ceil_div(rows, chunk);
    const size_t partial_bytes = chunks > 1 ? sizeof(double) * chunks * n : 0;
    DeviceBuffer partial_w = scratch(partial_bytes), partial_b = scratch(partial_bytes);
    launch("layernorm_param_grad_chunks_kernel", layernorm_param_grad_chunks_kernel<T>,
           grid_blocks(chunks * n), kBlockThreads, 0, stream_, ptr<T>(x), ptr<T>(mean), ptr<T>(rstd),
           ptr<T>(gy), rows, n, chunk, chunks, partial_w.as<double>(), partial_b.as<double>(), gw, gb);
    NLAMMR_CUDA_LAUNCH_CHECK(stream_, "layer_norm parameter gradients", describe({x, gy, gweight, gbias}));
    if (chunks > 1) {
      launch("layernorm_param_grad_finish_kernel", layernorm_param_grad_finish_kernel<T>, grid_blocks(n),
             kBlockThreads, 0, stream_, partial_w.as<double>(), partial_b.as<double>(), n, chunks, gw, gb);
      NLAMMR_CUDA_LAUNCH_CHECK(stream_, "layer_norm parameter gradients (partials)",
                               describe({gweight, gbias}));
    }
  });
}

}  // namespace nlammr::cuda
