// The scalar math of every elementwise op, its derivative and every binary
// op: the one definition of each op, compiled by both backends.
//
// kernels/cuda/elementwise.cu computes every op from unary(),
// unary_backward() and binary() below. kernels/cpu/elementwise.cpp calls
// them too, but gives its hottest ops loops without the switch, so that they
// vectorise: ReLU (relu(), relu_backward()), Scale, AddScalar, and Add, Sub
// and Mul on packed operands or against a broadcast scalar (the same one-line
// arithmetic written inline); and GELU (erf) forward and backward, which call
// gelu_erf() and gelu_erf_derivative() below with the CPU's branch-free float
// erf and exp (cpu::FastMath of kernels/cpu/vector_math.h) in place of
// std::erf and std::exp. The CPU's float32 GELU therefore agrees with the
// CUDA one to the accuracy of those functions, not bit for bit (float64
// keeps std::erf and std::exp: the same bits). The GIN's fused message
// passing (kernels/*/message_passing.*) uses relu() and relu_backward() too.
#pragma once

#include <cmath>

#include "engine/backend.h"
#include "kernels/common/host_device.h"

namespace nlammr::math {

constexpr double kSqrt2 = 1.4142135623730951;
constexpr double kSqrt2OverPi = 0.7978845608028654;   // sqrt(2 / pi)
constexpr double kInvSqrt2Pi = 0.3989422804014327;    // 1 / sqrt(2 pi)
constexpr double kGeluTanhCoeff = 0.044715;

// The library's erf and exp, for gelu_erf() and gelu_erf_derivative(); a
// backend may pass faster ones of its own with the same two members.
struct LibraryMath {
  template <typename T>
  NLAMMR_HOST_DEVICE static T erf(T x) {
    return std::erf(x);
  }
  template <typename T>
  NLAMMR_HOST_DEVICE static T exp(T x) {
    return std::exp(x);
  }
};

// ReLU, and its backward as a selection: the incoming gradient where the
// input was positive, else 0 (not gy * 0, which would let an infinite or
// NaN gradient through where the unit was off).
template <typename T>
NLAMMR_HOST_DEVICE T relu(T x) {
  return x > T(0) ? x : T(0);
}

template <typename T>
NLAMMR_HOST_DEVICE T relu_backward(T x, T gy) {
  return x > T(0) ? gy : T(0);
}

// GELU with erf (BERT's activation): x Phi(x), Phi the normal CDF.
template <typename Fns = LibraryMath, typename T>
NLAMMR_HOST_DEVICE T gelu_erf(T x) {
  return T(0.5) * x * (T(1) + Fns::erf(x / T(kSqrt2)));
}

// d gelu_erf / dx = Phi(x) + x phi(x).
template <typename Fns = LibraryMath, typename T>
NLAMMR_HOST_DEVICE T gelu_erf_derivative(T x) {
  return T(0.5) * (T(1) + Fns::erf(x / T(kSqrt2))) + x * T(kInvSqrt2Pi) * Fns::exp(T(-0.5) * x * x);
}

template <typename T>
NLAMMR_HOST_DEVICE T unary(UnaryOp op, T x, T alpha) {
  switch (op) {
    case UnaryOp::Neg: return -x;
    case UnaryOp::Exp: return std::exp(x);
    case UnaryOp::Log: return std::log(x);
    case UnaryOp::Sqrt: return std::sqrt(x);
    case UnaryOp::Abs: return std::fabs(x);
    case UnaryOp::Relu: return relu(x);
    case UnaryOp::GeluErf: return gelu_erf(x);
    case UnaryOp::GeluTanh: {
      const T inner = T(kSqrt2OverPi) * (x + T(kGeluTanhCoeff) * x * x * x);
      return T(0.5) * x * (T(1) + std::tanh(inner));
    }
    case UnaryOp::Tanh: return std::tanh(x);
    case UnaryOp::Sigmoid: return T(1) / (T(1) + std::exp(-x));
    case UnaryOp::Scale: return alpha * x;
    case UnaryOp::AddScalar: return x + alpha;
    case UnaryOp::PowScalar: return std::pow(x, alpha);
  }
  return x;
}

// d f(x) / dx, given x and y = f(x) (whichever is cheaper to use).
template <typename T>
NLAMMR_HOST_DEVICE T unary_derivative(UnaryOp op, T x, T y, T alpha) {
  switch (op) {
    case UnaryOp::Neg: return T(-1);
    case UnaryOp::Exp: return y;
    case UnaryOp::Log: return T(1) / x;
    case UnaryOp::Sqrt: return T(0.5) / y;
    case UnaryOp::Abs: return x > T(0) ? T(1) : (x < T(0) ? T(-1) : T(0));
    case UnaryOp::Relu: return x > T(0) ? T(1) : T(0);
    case UnaryOp::GeluErf: return gelu_erf_derivative(x);
    case UnaryOp::GeluTanh: {
      const T inner = T(kSqrt2OverPi) * (x + T(kGeluTanhCoeff) * x * x * x);
      const T t = std::tanh(inner);
      const T dinner = T(kSqrt2OverPi) * (T(1) + T(3 * kGeluTanhCoeff) * x * x);
      return T(0.5) * (T(1) + t) + T(0.5) * x * (T(1) - t * t) * dinner;
    }
    case UnaryOp::Tanh: return T(1) - y * y;
    case UnaryOp::Sigmoid: return y * (T(1) - y);
    case UnaryOp::Scale: return alpha;
    case UnaryOp::AddScalar: return T(1);
    case UnaryOp::PowScalar: return alpha * std::pow(x, alpha - T(1));
  }
  return T(0);
}

// The gradient of the input: gy * f'(x), except ReLU's selection above.
template <typename T>
NLAMMR_HOST_DEVICE T unary_backward(UnaryOp op, T x, T y, T gy, T alpha) {
  return op == UnaryOp::Relu ? relu_backward(x, gy) : gy * unary_derivative(op, x, y, alpha);
}

template <typename T>
NLAMMR_HOST_DEVICE T binary(BinaryOp op, T a, T b) {
  switch (op) {
    case BinaryOp::Add: return a + b;
    case BinaryOp::Sub: return a - b;
    case BinaryOp::Mul: return a * b;
    case BinaryOp::Div: return a / b;
    case BinaryOp::Pow: return std::pow(a, b);
    case BinaryOp::Maximum: return a >= b ? a : b;
    case BinaryOp::Minimum: return a <= b ? a : b;
    case BinaryOp::GreaterEqual: return a >= b ? T(1) : T(0);
  }
  return a;
}

}  // namespace nlammr::math
