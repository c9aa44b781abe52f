// Elementwise kernels: unary ops, their backward, and broadcast binary ops,
// as kernels/cpu/elementwise.cpp. The scalar math is the very same code
// (kernels/common/elementwise_math.h, compiled for the device too).
//
// One thread per element in a grid-stride loop. Operands are views with any
// strides (broadcasts have stride 0); the StridedLayout turns an element's
// position into an offset per operand, and packed operands skip that
// arithmetic altogether.
#include "kernels/common/elementwise_math.h"
#include "kernels/cuda/cuda_backend_impl.cuh"
#include "kernels/cuda/device_utils.cuh"
#include "kernels/cuda/strided_layout.h"

namespace nlammr::cuda {
namespace {

template <typename T>
__global__ void unary_kernel(UnaryOp op, StridedLayout<2> layout, const T* x, T* y, T alpha) {
  for (int64_t i = first_index(); i < layout.numel; i += grid_stride()) {
    int64_t off[2];
    layout.offsets(i, off);
    y[off[0]] = math::unary(op, x[off[1]], alpha);
  }
}

template <typename T>
__global__ void unary_backward_kernel(UnaryOp op, int64_t n, const T* x, const T* y, const T* gy, T* gx,
                                      T alpha) {
  for (int64_t i = first_index(); i < n; i += grid_stride())
    gx[i] = math::unary_backward(op, x[i], y[i], gy[i], alpha);
}

template <typename T>
__global__ void binary_kernel(BinaryOp op, StridedLayout<3> layout, const T* a, const T* b, T* out) {
  for (int64_t i = first_index(); i < layout.numel; i += grid_stride()) {
    int64_t off[3];
    layout.offsets(i, off);
    out[off[0]] = math::binary(op, a[off[1]], b[off[2]]);
  }
}

}  // namespace

void CudaBackend::unary(UnaryOp op, const Tensor& x, const Tensor& y, double alpha) {
  const int64_t n = y.numel();
  if (n == 0) return;
  activate();
  const StridedLayout<2> layout = make_strided_layout<2>(y.shape(), {&y.strides(), &x.strides()});
  dispatch_float(x.dtype(), unary_op_name(op), [&](auto tag) {
    using T = decltype(tag);
    launch("unary_kernel", unary_kernel<T>, grid_blocks(n), kBlockThreads, 0, stream_, op, layout, ptr<T>(x),
           ptr<T>(y), static_cast<T>(alpha));
  });
  NLAMMR_CUDA_LAUNCH_CHECK(stream_, unary_op_name(op), describe({x, y}));
}

void CudaBackend::unary_backward(UnaryOp op, const Tensor& x, const Tensor& y, const Tensor& gy,
                                 const Tensor& gx, double alpha) {
  const int64_t n = gx.numel();
  if (n == 0) return;
  activate();
  dispatch_float(gy.dtype(), unary_op_name(op), [&](auto tag) {
    using T = decltype(tag);
    launch("unary_backward_kernel", unary_backward_kernel<T>, grid_blocks(n), kBlockThreads, 0, stream_, op,
           n, ptr<T>(x), ptr<T>(y), ptr<T>(gy), ptr<T>(gx), static_cast<T>(alpha));
  });
  NLAMMR_CUDA_LAUNCH_CHECK(stream_, "unary backward",
                           std::string(unary_op_name(op)) + " " + describe({x, y, gy, gx}));
}

void CudaBackend::binary(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out) {
  const int64_t n = out.numel();
  if (n == 0) return;
  activate();
  const StridedLayout<3> layout =
      make_strided_layout<3>(out.shape(), {&out.strides(), &a.strides(), &b.strides()});
  dispatch_float(out.dtype(), binary_op_name(op), [&](auto tag) {
    using T = decltype(tag);
    launch("binary_kernel", binary_kernel<T>, grid_blocks(n), kBlockThreads, 0, stream_, op, layout,
           ptr<T>(a), ptr<T>(b), ptr<T>(out));
  });
  NLAMMR_CUDA_LAUNCH_CHECK(stream_, binary_op_name(op), describe({a, b, out}));
}

}  // namespace nlammr::cuda
