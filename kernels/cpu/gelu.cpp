#include "kernels/cpu/gelu.h"

#include <Eigen/Core>
#include <algorithm>
#include <unsupported/Eigen/SpecialFunctions>

#include "kernels/cpu/common.h"
#include "kernels/cpu/elementwise_math.h"

namespace nlammr::cpu {

namespace {

using Array = Eigen::Map<Eigen::ArrayXf>;
using ConstArray = Eigen::Map<const Eigen::ArrayXf>;

// 0.5 x (1 + erf(x / sqrt(2)))
void gelu_erf(const float* x, float* y, int64_t n) {
  ConstArray in(x, n);
  Array(y, n) = 0.5f * in * (1.0f + (in * static_cast<float>(1.0 / math::kSqrt2)).erf());
}

// 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
void gelu_tanh(const float* x, float* y, int64_t n) {
  ConstArray in(x, n);
  const float c = static_cast<float>(math::kSqrt2OverPi), k = static_cast<float>(math::kGeluTanhCoeff);
  Array(y, n) = 0.5f * in * (1.0f + (c * (in + k * in * in * in)).tanh());
}

}  // namespace

bool gelu_float32_packed(UnaryOp op, const Tensor& x, const Tensor& y) {
  if (op != UnaryOp::GeluErf && op != UnaryOp::GeluTanh) return false;
  if (x.dtype() != DType::Float32 || !x.is_contiguous() || !y.is_contiguous() || x.shape() != y.shape())
    return false;
  const float* xp = ptr<float>(x);
  float* yp = ptr<float>(y);
  const int64_t n = x.numel();
  // Fixed-size chunks: which thread computes a chunk never changes its values.
  const int64_t chunks = (n + kParallelGrain - 1) / kParallelGrain;
#pragma omp parallel for schedule(static) if (chunks > 1)
  for (int64_t c = 0; c < chunks; ++c) {
    const int64_t begin = c * kParallelGrain, count = std::min(kParallelGrain, n - begin);
    if (op == UnaryOp::GeluErf)
      gelu_erf(xp + begin, yp + begin, count);
    else
      gelu_tanh(xp + begin, yp + begin, count);
  }
  return true;
}

}  // namespace nlammr::cpu
