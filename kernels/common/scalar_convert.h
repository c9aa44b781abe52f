// Element conversions between dtypes, written once for both backends: the
// float16 and bfloat16 encodings (round to nearest even on the way down,
// NaN kept quiet) and the saturating conversion of a double to an integer.
// engine/dtype.h's half_to_float, float_to_half, bfloat16_to_float and
// float_to_bfloat16 (checkpoints, the CPU copy kernel) are these functions,
// and the CUDA copy kernels (kernels/cuda/copy_fill.cu) call them on the
// device, so a conversion gives the same bits on every backend.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#include "kernels/common/host_device.h"

namespace nlammr::convert {

NLAMMR_HOST_DEVICE uint32_t float_bits(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u;
}

NLAMMR_HOST_DEVICE float float_from_bits(uint32_t u) {
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

NLAMMR_HOST_DEVICE float half_bits_to_float(uint16_t h) {
  const uint32_t sign = (h >> 15) & 1u;
  const uint32_t exp = (h >> 10) & 0x1fu;
  const uint32_t mant = h & 0x3ffu;
  float value;
  if (exp == 0) {
    value = ldexpf(static_cast<float>(mant), -24);  // zero or subnormal
  } else if (exp == 31) {
    value = mant ? float_from_bits(0x7fc00000u) : float_from_bits(0x7f800000u);
  } else {
    value = ldexpf(static_cast<float>(mant | 0x400u), static_cast<int>(exp) - 25);
  }
  return sign ? -value : value;
}

NLAMMR_HOST_DEVICE uint16_t float_to_half_bits(float f) {
  const uint32_t x = float_bits(f);
  const uint32_t sign = (x >> 16) & 0x8000u;
  const uint32_t abs = x & 0x7fffffffu;
  if (abs >= 0x7f800000u) return static_cast<uint16_t>(sign | (abs > 0x7f800000u ? 0x7e00u : 0x7c00u));
  if (abs >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // rounds to infinity
  if (abs < 0x38800000u) {
    // Subnormal half (or zero): scale into the subnormal range, round to nearest even.
    const float scaled = float_from_bits(abs) * 16777216.0f;  // 2^24
    return static_cast<uint16_t>(sign | static_cast<uint32_t>(nearbyintf(scaled)));
  }
  uint32_t h = abs - 0x38000000u;  // rebias the exponent, then round 23 -> 10 mantissa bits
  const uint32_t lsb = (h >> 13) & 1u;
  h += 0xfffu + lsb;
  return static_cast<uint16_t>(sign | (h >> 13));
}

NLAMMR_HOST_DEVICE float bfloat16_bits_to_float(uint16_t b) { return float_from_bits(static_cast<uint32_t>(b) << 16); }

NLAMMR_HOST_DEVICE uint16_t float_to_bfloat16_bits(float f) {
  uint32_t x = float_bits(f);
  if ((x & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((x >> 16) | 0x40u);  // keep NaN quiet
  const uint32_t lsb = (x >> 16) & 1u;
  x += 0x7fffu + lsb;
  return static_cast<uint16_t>(x >> 16);
}

// Casting NaN or an out-of-range double to an integer is undefined; clamp so
// that a bad value gives a defined (if meaningless) integer (NaN gives 0).
template <typename I>
NLAMMR_HOST_DEVICE I saturate_to(double v, double lowest, double highest, I lowest_i, I highest_i) {
  if (!(v == v)) return I(0);
  if (v <= lowest) return lowest_i;
  if (v >= highest) return highest_i;
  return static_cast<I>(v);
}

NLAMMR_HOST_DEVICE int32_t double_to_int32(double v) {
  return saturate_to<int32_t>(v, -2147483648.0, 2147483647.0, INT32_MIN, INT32_MAX);
}
NLAMMR_HOST_DEVICE int64_t double_to_int64(double v) {
  return saturate_to<int64_t>(v, -9223372036854775808.0, 9223372036854775807.0, INT64_MIN, INT64_MAX);
}
NLAMMR_HOST_DEVICE uint8_t double_to_uint8(double v) { return saturate_to<uint8_t>(v, 0.0, 255.0, 0, 255); }

}  // namespace nlammr::convert
