#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <vector>

#include "engine/dtype.h"
#include "engine/tensor.h"

using namespace nlammr;

TEST_CASE("dtype sizes and names") {
  CHECK(dtype_size(DType::Float32) == 4);
  CHECK(dtype_size(DType::BFloat16) == 2);
  CHECK(std::string(dtype_name(DType::Int64)) == "int64");
}

TEST_CASE("half and bfloat16 round trips") {
  // Values exactly representable in half survive a round trip.
  for (float v : {0.0f, 1.0f, -2.5f, 65504.0f, 6.103515625e-05f, 5.960464477539063e-08f}) {
    CHECK(half_to_float(float_to_half(v)) == v);
  }
  CHECK(float_to_half(1.0f) == 0x3c00);
  CHECK(float_to_half(-2.0f) == 0xc000);
  CHECK(std::isinf(half_to_float(float_to_half(1e6f))));
  // Ties round to even: 1 + 2^-11 lies halfway between 1 and 1 + 2^-10.
  CHECK(float_to_half(1.0f + std::ldexp(1.0f, -11)) == 0x3c00);
  CHECK(float_to_bfloat16(1.0f) == 0x3f80);
  CHECK(bfloat16_to_float(float_to_bfloat16(3.140625f)) == 3.140625f);
  CHECK(std::isnan(bfloat16_to_float(float_to_bfloat16(NAN))));
}

// The conversions below are kernels/common/scalar_convert.h, which the CPU
// (engine/dtype.h, the copy kernel) and the CUDA copy kernels share; they are
// checked here against the IEEE 754 definitions, not against each other.
namespace {

uint32_t bits_of(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

float float_of(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

// The number a float16 encoding stands for (sign, 5 exponent bits with bias
// 15, 10 fraction bits), in double.
double half_value(uint16_t h) {
  const int exponent = (h >> 10) & 0x1f, fraction = h & 0x3ff;
  double v;
  if (exponent == 0x1f)
    v = fraction ? std::nan("") : HUGE_VAL;
  else if (exponent == 0)
    v = std::ldexp(fraction, -24);  // subnormal: fraction * 2^-14 * 2^-10
  else
    v = std::ldexp(1024 + fraction, exponent - 25);
  return (h & 0x8000) ? -v : v;
}

}  // namespace

TEST_CASE("float16 and bfloat16: every encoding decodes to the number IEEE 754 defines") {
  int half_wrong = 0, bfloat16_wrong = 0;
  for (uint32_t b = 0; b < 65536; ++b) {
    const uint16_t h = static_cast<uint16_t>(b);
    const double want = half_value(h);
    const float got = half_to_float(h);
    if (std::isnan(want))
      half_wrong += !std::isnan(got) || std::signbit(got) != ((h & 0x8000) != 0);
    else
      half_wrong += static_cast<double>(got) != want || std::signbit(got) != std::signbit(want);
    // bfloat16 is the upper half of a float32.
    bfloat16_wrong += bits_of(bfloat16_to_float(h)) != (b << 16);
  }
  CHECK(half_wrong == 0);
  CHECK(bfloat16_wrong == 0);
}

// For every pair of neighbouring finite encodings lo < hi of one sign: lo
// itself encodes to lo, the exact midpoint to the even one of the two, and
// the floats just beside the midpoint to the nearer one. Past the largest
// finite value the upper neighbour is infinity (the overflow threshold
// rounds to even too).
TEST_CASE("float16 encoding rounds to nearest, ties to even, at every neighbouring pair") {
  int wrong = 0;
  for (uint16_t sign : {uint16_t(0), uint16_t(0x8000)}) {
    for (uint16_t m = 0; m < 0x7c00; ++m) {
      const uint16_t lo = sign | m, hi = sign | (m + 1);
      const float f_lo = half_to_float(lo);
      const float f_hi = m + 1 == 0x7c00 ? (sign ? -65536.0f : 65536.0f) : half_to_float(hi);
      const float mid = (f_lo + f_hi) / 2;  // exact: 12 significant bits
      wrong += float_to_half(f_lo) != lo;
      wrong += float_to_half(mid) != ((m & 1) ? hi : lo);
      wrong += float_to_half(std::nextafter(mid, f_hi)) != hi;
      wrong += float_to_half(std::nextafter(mid, f_lo)) != lo;
    }
  }
  CHECK(wrong == 0);
  CHECK(float_to_half(INFINITY) == 0x7c00);
  CHECK(float_to_half(-INFINITY) == 0xfc00);
  CHECK(float_to_half(1e6f) == 0x7c00);
  const uint16_t nan = float_to_half(NAN);
  CHECK((nan & 0x7c00) == 0x7c00);
  CHECK((nan & 0x3ff) != 0);
}

TEST_CASE("bfloat16 encoding rounds to nearest, ties to even, at every neighbouring pair") {
  int wrong = 0;
  for (uint32_t sign : {0u, 0x8000u}) {
    for (uint32_t m = 0; m < 0x7f80; ++m) {
      const uint16_t lo = static_cast<uint16_t>(sign | m), hi = static_cast<uint16_t>(sign | (m + 1));
      const uint32_t mid = (static_cast<uint32_t>(lo) << 16) | 0x8000u;  // halfway in magnitude
      wrong += float_to_bfloat16(float_of(static_cast<uint32_t>(lo) << 16)) != lo;
      wrong += float_to_bfloat16(float_of(mid)) != ((m & 1) ? hi : lo);
      wrong += float_to_bfloat16(float_of(mid + 1)) != hi;  // one ulp larger in magnitude
      wrong += float_to_bfloat16(float_of(mid - 1)) != lo;
    }
  }
  CHECK(wrong == 0);
  // A signalling NaN stays a NaN (the rounding carry must not turn it into infinity).
  const uint16_t nan = float_to_bfloat16(float_of(0x7f800001u));
  CHECK((nan & 0x7f80) == 0x7f80);
  CHECK((nan & 0x7f) != 0);
}

TEST_CASE("a double becomes an integer by truncation, saturating, NaN as 0, on the CPU's copy too") {
  CHECK(convert::double_to_int32(3.9) == 3);
  CHECK(convert::double_to_int32(-3.9) == -3);
  CHECK(convert::double_to_int32(1e12) == std::numeric_limits<int32_t>::max());
  CHECK(convert::double_to_int32(-1e12) == std::numeric_limits<int32_t>::min());
  CHECK(convert::double_to_int32(std::nan("")) == 0);
  CHECK(convert::double_to_int64(1e300) == std::numeric_limits<int64_t>::max());
  CHECK(convert::double_to_int64(-1e300) == std::numeric_limits<int64_t>::min());
  CHECK(convert::double_to_uint8(-5.0) == 0);
  CHECK(convert::double_to_uint8(300.0) == 255);
  CHECK(convert::double_to_uint8(254.9) == 254);
  const Tensor x = Tensor::from_vector<double>({3.9, -3.9, 1e12, -1e12, 300.0, -5.0, std::nan("")}, {7});
  const std::vector<int32_t> want = {3, -3, std::numeric_limits<int32_t>::max(), std::numeric_limits<int32_t>::min(),
                                     300, -5, 0};
  CHECK(x.to(DType::Int32).to_vector<int32_t>() == want);
}
