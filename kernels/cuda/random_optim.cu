// Dropout masks from the counter-based Philox RNG, and fused optimizer
// updates, as kernels/cpu/random_optim.cpp.
//
// Both compute each element with the same functions of kernels/common:
// the dropout mask's element (dropout_math.h over philox.h) and the Adam and
// SGD updates (optimizer_math.h, in double precision, with the step's
// scalars computed once on the host). So the GPU's masks are bit-identical
// to the CPU's, and its optimizer steps do the CPU's arithmetic.
#include "kernels/common/dropout_math.h"
#include "kernels/common/optimizer_math.h"
#include "kernels/cuda/cuda_backend_impl.cuh"
#include "kernels/cuda/device_utils.cuh"

namespace nlammr::cuda {
namespace {

template <typename T>
__global__ void dropout_mask_kernel(T* mask, int64_t n, math::DropoutMask<T> dropout, uint64_t seed,
                                    uint64_t offset) {
  for (int64_t i = first_index(); i < n; i += grid_stride())
    mask[i] = dropout.at(seed, offset + static_cast<uint64_t>(i));
}

template <typename T>
__global__ void adam_kernel(T* p, const T* g, T* m, T* v, int64_t n, math::AdamCoefficients c) {
  for (int64_t i = first_index(); i < n; i += grid_stride()) math::adam_update(p[i], g[i], m[i], v[i], c);
}

template <typename T>
__global__ void sgd_kernel(T* p, const T* g, T* buf, int64_t n, SgdStepDesc d) {
  for (int64_t i = first_index(); i < n; i += grid_stride())
    math::sgd_update(p[i], g[i], buf ? buf + i : nullptr, d);
}

}  // namespace

void CudaBackend::dropout_mask(const Tensor& mask, double p, uint64_t seed, uint64_t offset) {
  const int64_t n = mask.numel();
  if (n == 0) return;
  activate();
  dispatch_float(mask.dtype(), "dropout", [&](auto tag) {
    using T = decltype(tag);
    launch("dropout_mask_kernel", dropout_mask_kernel<T>, grid_blocks(n), kBlockThreads, 0, stream_,
           ptr<T>(mask), n, math::dropout_mask<T>(p), seed, offset);
  });
  NLAMMR_CUDA_LAUNCH_CHECK(stream_, "dropout", describe({mask}));
}

void CudaBackend::adam_step(const Tensor& param, const Tensor& grad, const Tensor& m, const Tensor& v,
                            const AdamStepDesc& d) {
  const int64_t n = param.numel();
  if (n == 0) return;
  activate();
  const math::AdamCoefficients c = math::adam_coefficients(d);
  dispatch_float(param.dtype(), "adam", [&](auto tag) {
    using T = decltype(tag);
    launch("adam_kernel", adam_kernel<T>, grid_blocks(n), kBlockThreads, 0, stream_, ptr<T>(param),
           ptr<T>(grad), ptr<T>(m), ptr<T>(v), n, c);
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
