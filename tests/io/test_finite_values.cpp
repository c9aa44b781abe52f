// Loaded tensors must be finite: NaN or infinity in a checkpoint or model
// file is an error naming the file and the tensor, for every float dtype.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "io/checkpoint.h"
#include "io/finite_values.h"
#include "io/tensor_file.h"
#include "tests/test_support.h"

using namespace nlammr;

namespace {

TensorEntry entry_of(DType dtype, const void* data, size_t nbytes) {
  TensorEntry e;
  e.name = "w";
  e.dtype = dtype;
  e.data = data;
  e.nbytes = nbytes;
  return e;
}

}  // namespace

TEST_CASE("finite values: NaN and infinities are found in every float dtype by their bits") {
  const float f32[] = {1.0f, -0.0f, std::numeric_limits<float>::denorm_min(), std::numeric_limits<float>::infinity()};
  CHECK(first_non_finite(entry_of(DType::Float32, f32, sizeof f32)) == 3);
  CHECK(first_non_finite(entry_of(DType::Float32, f32, 3 * sizeof(float))) == -1);
  const double f64[] = {std::numeric_limits<double>::max(), std::numeric_limits<double>::quiet_NaN()};
  CHECK(first_non_finite(entry_of(DType::Float64, f64, sizeof f64)) == 1);
  const uint16_t f16[] = {0x3C00 /* 1 */, 0x7BFF /* 65504, the largest */, 0xFC00 /* -inf */};
  CHECK(first_non_finite(entry_of(DType::Float16, f16, sizeof f16)) == 2);
  const uint16_t bf16[] = {0x3F80 /* 1 */, 0x7F7F /* largest */, 0x7FC0 /* NaN */};
  CHECK(first_non_finite(entry_of(DType::BFloat16, bf16, sizeof bf16)) == 2);
  const int32_t ints[] = {0x7F800000, -1};
  CHECK(first_non_finite(entry_of(DType::Int32, ints, sizeof ints)) == -1);
}

TEST_CASE("finite values: a NaN weight in a checkpoint stops its loading, naming file and tensor") {
  testing::ScratchDir dir("finite_checkpoint");
  const std::string path = dir.file("nan.safetensors");
  std::vector<float> values = {0.5f, 1.5f, std::numeric_limits<float>::quiet_NaN(), 2.0f};
  save_tensors(path, {{"model.layer.weight", Tensor::from_vector(values, {2, 2})},
                      {"model.layer.bias", Tensor::from_vector(std::vector<float>{0.0f, 1.0f}, {2})}},
               {{"nlammr", "{}"}});
  const std::string expected = path + ": tensor 'model.layer.weight' holds a NaN or infinite value (element 2)";
  CHECK_THROWS_WITH_AS(load_checkpoint(path), doctest::Contains(expected.c_str()), std::runtime_error);
  CHECK_THROWS_WITH_AS(load_tensors(path), doctest::Contains(expected.c_str()), std::runtime_error);
}
