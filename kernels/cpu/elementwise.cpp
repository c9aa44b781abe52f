// Elementwise kernels: unary ops, their backward, and broadcast binary ops,
// from the formulas of kernels/common/elementwise_math.h (GELU with the
// vectorisable erf and exp of vector_math.h).
#include "kernels/common/elementwise_math.h"
#include "kernels/cpu/cpu_backend.h"
#include "kernels/cpu/strided.h"
#include "kernels/cpu/vector_math.h"

namespace nlammr {

// One loop over a strided input and a packed output; `f` is the scalar op.
template <typename T, typename F>
static void unary_loop(const Tensor& x, const Tensor& y, F f) {
  const T* xp = cpu::ptr<T>(x);
  T* yp = cpu::ptr<T>(y);
  cpu::StridedLoop<2> loop(y.shape(), {&y.strides(), &x.strides()});
  loop.run([&](const std::array<int64_t, 2>& off, int64_t count, const std::array<int64_t, 2>& step) {
    T* out = yp + off[0];
    const T* in = xp + off[1];
    if (step[0] == 1 && step[1] == 1) {
      for (int64_t i = 0; i < count; ++i) out[i] = f(in[i]);
    } else {
      for (int64_t i = 0; i < count; ++i) out[i * step[0]] = f(in[i * step[1]]);
    }
  });
}

void CpuBackend::unary(UnaryOp op, const Tensor& x, const Tensor& y, double alpha) {
  cpu::dispatch_float(x.dtype(), unary_op_name(op), [&](auto tag) {
    using T = decltype(tag);
    const T a = static_cast<T>(alpha);
    switch (op) {  // the hottest ops get a loop without the switch inside
      case UnaryOp::Relu: unary_loop<T>(x, y, [](T v) { return math::relu(v); }); break;
      case UnaryOp::Scale: unary_loop<T>(x, y, [a](T v) { return a * v; }); break;
      case UnaryOp::AddScalar: unary_loop<T>(x, y, [a](T v) { return v + a; }); break;
      case UnaryOp::GeluErf: unary_loop<T>(x, y, [](T v) { return math::gelu_erf<cpu::FastMath>(v); }); break;
      default: unary_loop<T>(x, y, [op, a](T v) { return math::unary(op, v, a); }); break;
    }
  });
}

void CpuBackend::unary_backward(UnaryOp op, const Tensor& x, const Tensor& y, const Tensor& gy,
                                const Tensor& gx, double alpha) {
  cpu::dispatch_float(gy.dtype(), unary_op_name(op), [&](auto tag) {
    using T = decltype(tag);
    const T* xp = cpu::ptr<T>(x);
    const T* yp = cpu::ptr<T>(y);
    const T* gyp = cpu::ptr<T>(gy);
    T* gxp = cpu::ptr<T>(gx);
    const T a = static_cast<T>(alpha);
    const int64_t n = gx.numel();
    // The hottest derivatives get their own loops, without the switch, so
    // that they vectorise (the GIN runs a ReLU over every atom in every layer).
    if (op == UnaryOp::GeluErf) {
#pragma omp parallel for schedule(static) if (n > cpu::kParallelGrain)
      for (int64_t i = 0; i < n; ++i) gxp[i] = gyp[i] * math::gelu_erf_derivative<cpu::FastMath>(xp[i]);
      return;
    }
    if (op == UnaryOp::Relu) {
#pragma omp parallel for schedule(static) if (n > cpu::kParallelGrain)
      for (int64_t i = 0; i < n; ++i) gxp[i] = math::relu_backward(xp[i], gyp[i]);
      return;
    }
#pragma omp parallel for schedule(static) if (n > cpu::kParallelGrain)
    for (int64_t i = 0; i < n; ++i) gxp[i] = math::unary_backward(op, xp[i], yp[i], gyp[i], a);
  });
}

void CpuBackend::binary(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out) {
  cpu::dispatch_float(out.dtype(), binary_op_name(op), [&](auto tag) {
    using T = decltype(tag);
    const T* ap = cpu::ptr<T>(a);
    const T* bp = cpu::ptr<T>(b);
    T* op_ = cpu::ptr<T>(out);
    cpu::StridedLoop<3> loop(out.shape(), {&out.strides(), &a.strides(), &b.strides()});
    loop.run([&](const std::array<int64_t, 3>& off, int64_t count, const std::array<int64_t, 3>& step) {
      T* o = op_ + off[0];
      const T* x = ap + off[1];
      const T* y = bp + off[2];
      if (step[0] == 1 && step[1] == 1 && step[2] == 1) {
        switch (op) {  // vectorisable loops for the common packed case
          case BinaryOp::Add: for (int64_t i = 0; i < count; ++i) o[i] = x[i] + y[i]; return;
          case BinaryOp::Sub: for (int64_t i = 0; i < count; ++i) o[i] = x[i] - y[i]; return;
          case BinaryOp::Mul: for (int64_t i = 0; i < count; ++i) o[i] = x[i] * y[i]; return;
          default: break;
        }
      } else if (step[0] == 1 && step[1] == 1 && step[2] == 0) {
        const T s = y[0];  // a row broadcast against a scalar (bias, scale)
        switch (op) {
          case BinaryOp::Add: for (int64_t i = 0; i < count; ++i) o[i] = x[i] + s; return;
          case BinaryOp::Sub: for (int64_t i = 0; i < count; ++i) o[i] = x[i] - s; return;
          case BinaryOp::Mul: for (int64_t i = 0; i < count; ++i) o[i] = x[i] * s; return;
          default: break;
        }
      } else if (step[0] == 1 && step[1] == 0 && step[2] == 1) {
        const T s = x[0];  // a scalar against a row, as the GIN's (1 + eps) * x
        switch (op) {
          case BinaryOp::Add: for (int64_t i = 0; i < count; ++i) o[i] = s + y[i]; return;
          case BinaryOp::Sub: for (int64_t i = 0; i < count; ++i) o[i] = s - y[i]; return;
          case BinaryOp::Mul: for (int64_t i = 0; i < count; ++i) o[i] = s * y[i]; return;
          default: break;
        }
      }
      for (int64_t i = 0; i < count; ++i) o[i * step[0]] = math::binary(op, x[i * step[1]], y[i * step[2]]);
    });
  });
}

}  // namespace nlammr
