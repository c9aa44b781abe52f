// Dropout masks from the counter-based Philox RNG, and fused optimizer
// updates, as kernels/cpu/random_optim.cpp.
//
// Element i of a dropout mask is a pure function of (seed, offset + i)
// (kernels/philox.h, the same code on both devices), so the GPU's masks are
// bit-identical to the CPU's. The optimizer steps do the CPU's double-precision
// arithmetic per element; the bias corrections are computed once on the host.
#include <cmath>

#include "kernels/cuda/cuda_backend_impl.cuh"
#include "kernels/cuda/device_utils.cuh"
#include "kernels/philox.h"

namespace nlammr::cuda {
namespace {

template <typename T>
__global__ void dropout_mask_kernel(T* mask, int64_t n, float threshold, T keep_scale, uint64_t seed,
                                    uint64_t offset) {
  for (int64_t i = first_index(); i < n; i += grid_stride())
    mask[i] = philox::uniform01(offset + static_cast<uint64_t>(i), seed) < threshold ? T(0) : keep_scale;
}

struct AdamScalars {
  double lr, beta1, beta2, eps, weight_decay, step_size, bc2_sqrt;
  bool decoupled;
};

template <typename T>
__global__ void adam_kernel(T* p, const T* g, T* m, T* v, int64_t n, AdamScalars s) {
  for (int64_t i = first_index(); i < n; i += grid_stride()) {
    double gi = g[i];
    double pi = p[i];
    if (s.decoupled) {
      pi *= 1.0 - s.lr * s.weight_decay;
    } else if (s.weight_decay != 0.0) {
      gi += s.weight_decay * pi;
    }
    const double mi = s.beta1 * m[i] + (1.0 - s.beta1) * gi;
    const double vi = s.beta2 * v[i] + (1.0 - s.beta2) * gi * gi;
    m[i] = static_cast<T>(mi);
    v[i] = static_cast<T>(vi);
    p[i] = static_cast<T>(pi - s.step_size * mi / (sqrt(vi) / s.bc2_sqrt + s.eps));
  }
}

template <typename T>
__global__ void sgd_kernel(T* p, const T* g, T* buf, int64_t n, SgdStepDesc d) {
  for (int64_t i = first_index(); i < n; i += grid_stride()) {
    double gi = static_cast<double>(g[i]) + d.weight_decay * p[i];
    if (d.momentum != 0.0 && buf) {
      const double b = d.first_step ? gi : d.momentum * buf[i] + (1.0 - d.dampening) * gi;
      buf[i] = static_cast<T>(b);
      gi = d.nesterov ? gi + d.momentum * b : b;
    }
    p[i] = static_cast<T>(p[i] - d.lr * gi);
  }
}

}  // namespace

void CudaBackend::dropout_mask(const Tensor& mask, double p, uint64_t seed, uint64_t offset) {
  const int64_t n = mask.numel();
  if (n == 0) return;
  activate();
  dispatch_float(mask.dtype(), "dropout", [&](auto tag) {
    using T = decltype(tag);
    launch("dropout_mask_kernel", dropout_mask_kernel<T>, grid_blocks(n), kBlockThreads, 0, stream_,
           ptr<T>(mask), n, static_cast<float>(p), static_cast<T>(1.0 / (1.0 - p)), seed, offset);
  });
  NLAMMR_CUDA_LAUNCH_CHECK(stream_, "dropout", describe({mask}));
}

void CudaBackend::adam_step(const Tensor& param, const Tensor& grad, const Tensor& m, const Tensor& v,
                            const AdamStepDesc& d) {
  const int64_t n = param.numel();
  if (n == 0) return;
  activate();
  const double bc1 = 1.0 - std::pow(d.beta1, static_cast<double>(d.step));
  const AdamScalars s{d.lr,
                      d.beta1,
                      d.beta2,
                      d.eps,
                      d.weight_decay,
                      d.lr / bc1,
                      std::sqrt(1.0 - std::pow(d.beta2, static_cast<double>(d.step))),
                      d.decoupled};
  dispatch_float(param.dtype(), "adam", [&](auto tag) {
    using T = decltype(tag);
    launch("adam_kernel", adam_kernel<T>, grid_blocks(n), kBlockThreads, 0, stream_, ptr<T>(param),
           ptr<T>(grad), ptr<T>(m), ptr<T>(v), n, s);
  });
  NLAMMR_CUDA_LAUNCH_CHECK(stream_, "adam", describe({param, grad, m, v}));
}

void CudaBackend::sgd_step(const Tensor& param, const Tensor& grad, const Tensor& momentum_buffer,
                           const SgdStepDesc& d) {
  const int64_t n = param.numel();
  if (n == 0) return;
  activate();
  dispatch_float(param.dtype(), "sgd", [&](auto tag) {
    using T = decltype(tag);
    launch("sgd_kernel", sgd_kernel<T>, grid_blocks(n), kBlockThreads, 0, stream_, ptr<T>(param),
           ptr<T>(grad), momentum_buffer.defined() ? ptr<T>(momentum_buffer) : nullptr, n, d);
  });
  NLAMMR_CUDA_LAUNCH_CHECK(stream_, "sgd", describe({param, grad, momentum_buffer}));
}

}  // namespace nlammr::cuda
