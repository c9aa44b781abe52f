// Arithmetic written so that the compiler can vectorise the loops that use
// it, for the row-wise kernels (softmax, layer norm, attention, GELU).
//
// Two things stop a plain loop from using the vector units:
//  - A running sum `acc += x[i]` is one long chain of dependent additions;
//    the compiler may not reorder it (that would change the rounding), so it
//    waits for each addition before the next. lane_sum() keeps kLanes
//    independent partial sums instead, which live side by side in vector
//    registers, and adds them up in a fixed order at the end. (A running
//    maximum has the same problem but no rounding: there, Eigen's own
//    vectorised maxCoeff() is exact.)
//  - std::exp and std::erf are library calls, one element at a time.
//    exp_approx() and erf_approx() below are short branch-free float
//    formulas that vectorise like any other arithmetic.
//
// Determinism: the same scalar code runs for every element, whether the
// compiler puts it in the vector body of a loop or in its scalar tail, and a
// lane sum depends only on the length of its input. Results therefore do not
// depend on how work is split between threads (tests/engine/
// test_determinism.cpp checks this at sizes that split vector blocks).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace nlammr::cpu {

constexpr int kLanes = 8;

// Sum of term(0) + ... + term(n - 1) in double, in kLanes interleaved
// partial sums (lane j takes the terms i with i % kLanes == j).
template <typename Term>
inline double lane_sum(int64_t n, Term term) {
  double lane[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int j = 0; j < kLanes; ++j) lane[j] += term(i + j);
  for (int j = 0; i + j < n; ++j) lane[j] += term(i + j);
  double total = 0.0;
  for (int j = 0; j < kLanes; ++j) total += lane[j];
  return total;
}

// 2^e for integer e in [-126, 127], built from its exponent bits.
inline float power_of_two(int32_t e) {
  const int32_t bits = (e + 127) << 23;
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

// exp(x) for float, within 2 ulp of the exact value for normal results.
// Write x = k ln2 + r with integer k and |r| <= ln2 / 2; then
// exp(x) = 2^k exp(r), where 2^k is built directly in the exponent bits and
// exp(r) is its Taylor polynomial of degree 7 (the first neglected term,
// r^8 / 8!, is below 1e-8 for |r| <= ln2 / 2).
inline float exp_approx(float x) {
  constexpr float kMaxInput = 88.72283f;   // exp overflows float above this: inf
  constexpr float kMinInput = -103.9721f;  // exp is below the smallest denormal here: 0
  constexpr float kLog2e = 1.44269504f;
  // ln2 split in two (Cody and Waite): k * kLn2High is exact in float for
  // |k| < 2^15, so r keeps its low bits.
  constexpr float kLn2High = 0.693359375f;
  constexpr float kLn2Low = -2.12194440e-4f;
  const bool is_nan = x != x;
  float clamped = is_nan ? 0.0f : x;
  clamped = clamped < kMinInput ? kMinInput : clamped;
  clamped = clamped > kMaxInput ? kMaxInput : clamped;
  // k = round(x / ln2). Adding and subtracting 1.5 * 2^23 rounds to an
  // integer (floats that large have no fraction bits); unlike std::floor it
  // compiles to plain vector arithmetic without special compiler flags.
  constexpr float kRoundingShift = 12582912.0f;
  const float k = (clamped * kLog2e + kRoundingShift) - kRoundingShift;
  const float r = (clamped - k * kLn2High) - k * kLn2Low;
  float p = 1.0f / 5040.0f + r * (1.0f / 40320.0f);
  p = 1.0f / 720.0f + r * p;
  p = 1.0f / 120.0f + r * p;
  p = 1.0f / 24.0f + r * p;
  p = 1.0f / 6.0f + r * p;
  p = 0.5f + r * p;
  p = 1.0f + r * p;
  p = 1.0f + r * p;
  // 2^k, k in [-150, 128], as 2^half * 2^(k - half): each factor has a
  // normal exponent, and a denormal result is rounded once, at the end.
  const int32_t k_int = static_cast<int32_t>(k);
  const int32_t half = k_int / 2;
  float result = p * power_of_two(half) * power_of_two(k_int - half);
  // Selects rather than early returns: a loop body without branches vectorises.
  result = x < kMinInput ? 0.0f : result;
  result = x > kMaxInput ? std::numeric_limits<float>::infinity() : result;
  return is_nan ? x : result;
}

// erf(x) for float, absolute error below 1e-6 (the formula's own error is
// 1.5e-7; float rounding adds the rest): formula 7.1.26 of Abramowitz
// and Stegun (1964), erf(x) = 1 - (a1 t + ... + a5 t^5) exp(-x^2) with
// t = 1 / (1 + p x) for x >= 0, extended to x < 0 by erf(-x) = -erf(x).
inline float erf_approx(float x) {
  constexpr float p = 0.3275911f;
  constexpr float a1 = 0.254829592f, a2 = -0.284496736f, a3 = 1.421413741f, a4 = -1.453152027f,
                  a5 = 1.061405429f;
  const float ax = std::fabs(x);
  const float t = 1.0f / (1.0f + p * ax);
  const float poly = t * (a1 + t * (a2 + t * (a3 + t * (a4 + t * a5))));
  const float y = 1.0f - poly * exp_approx(-ax * ax);
  return std::copysign(y, x);
}

// The kernels are templates over float and double: float takes the
// vectorisable formulas, double keeps the library's full precision.
inline float fast_exp(float x) { return exp_approx(x); }
inline double fast_exp(double x) { return std::exp(x); }
inline float fast_erf(float x) { return erf_approx(x); }
inline double fast_erf(double x) { return std::erf(x); }

// fast_erf and fast_exp as the erf/exp pair that the GELU formulas of
// kernels/common/elementwise_math.h take (math::gelu_erf<FastMath>).
struct FastMath {
  template <typename T>
  static T erf(T x) {
    return fast_erf(x);
  }
  template <typename T>
  static T exp(T x) {
    return fast_exp(x);
  }
};

}  // namespace nlammr::cpu
