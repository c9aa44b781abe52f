#include <doctest/doctest.h>

#include <cmath>

#include "engine/dtype.h"

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
