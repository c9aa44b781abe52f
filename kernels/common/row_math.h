// Per-element formulas of the row-wise kernels, softmax and layer norm,
// written once for both backends (kernels/cpu/{softmax,layernorm}.cpp and
// kernels/cuda/{softmax,layernorm}.cu). The row sums around them, and the
// precision each backend computes an element in, are each backend's own: the
// CPU's layer-norm backward computes gx in the element type, so that twice as
// many elements fit a vector instruction, the CUDA kernel in double; the
// templates below take whichever type they are called with.
#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/common/elementwise_math.h"
#include "kernels/common/host_device.h"

namespace nlammr::math {

// ---- softmax and log-softmax over a row ----------------------------------------------

// log_softmax(x) = x - max - log(sum of exp(x - max)).
template <typename T>
NLAMMR_HOST_DEVICE T log_softmax_value(T x, T max, T log_sum) {
  return x - max - log_sum;
}

// The term of the row sum the backward needs: gy (log-softmax), gy y (softmax).
template <typename T>
NLAMMR_HOST_DEVICE T softmax_backward_term(T y, T gy, bool log) {
  return log ? gy : gy * y;
}

// The input's gradient given that sum: gy - exp(y) sum (log-softmax),
// y (gy - sum) (softmax). Fns supplies exp (LibraryMath, or the CPU's own).
template <typename Fns = LibraryMath, typename T>
NLAMMR_HOST_DEVICE T softmax_backward_value(T y, T gy, T sum, bool log) {
  return log ? gy - Fns::exp(y) * sum : y * (gy - sum);
}

// ---- layer norm over a row -------------------------------------------------------------

// 1 / sqrt(var + eps), var the biased variance from the sum of squared deviations.
NLAMMR_HOST_DEVICE double layernorm_rstd(double sum_squared_deviations, int64_t n, double eps) {
  return 1.0 / std::sqrt(sum_squared_deviations / static_cast<double>(n) + eps);
}

// xhat = (x - mean) * rstd.
template <typename T>
NLAMMR_HOST_DEVICE T layernorm_xhat(T x, T mean, T rstd) {
  return (x - mean) * rstd;
}

// y = xhat * weight + bias (weight 1 and bias 0 where the layer has none).
template <typename T>
NLAMMR_HOST_DEVICE T layernorm_output(T x, T mean, T rstd, T weight, T bias) {
  return layernorm_xhat(x, mean, rstd) * weight + bias;
}

// g xhat in double, g = gy * weight, multiplied in this order: a term of the
// backward's row sum mean(g xhat) and of the weight's gradient.
NLAMMR_HOST_DEVICE double layernorm_g_xhat(double g, double x, double mean, double rstd) {
  return g * (x - mean) * rstd;
}

// gx = rstd * (g - mean(g) - xhat * mean(g xhat)).
template <typename T>
NLAMMR_HOST_DEVICE T layernorm_input_grad(T g, T mean_g, T xhat, T mean_g_xhat, T rstd) {
  return rstd * (g - mean_g - xhat * mean_g_xhat);
}

}  // namespace nlammr::math
