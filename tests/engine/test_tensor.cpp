// Tensors: storage sharing, views, conversions and the errors they raise.
#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>

#include <cmath>

#include "engine/engine.h"

using namespace nlammr;

TEST_CASE("views share storage with their source") {
  Tensor x = Tensor::from_vector<float>({0, 1, 2, 3, 4, 5}, {2, 3});
  Tensor t = x.transpose(0, 1);
  CHECK(t.storage().get() == x.storage().get());
  CHECK(t.shape() == Shape{3, 2});
  CHECK_FALSE(t.is_contiguous());
  CHECK(t.to_vector<float>() == std::vector<float>{0, 3, 1, 4, 2, 5});
  Tensor s = x.slice(1, 1, 3);
  CHECK(s.storage().get() == x.storage().get());
  CHECK(s.offset() == 1);
  CHECK(s.to_vector<float>() == std::vector<float>{1, 2, 4, 5});
  Tensor r = x.reshape({3, 2});
  CHECK(r.storage().get() == x.storage().get());  // packed: reshape is a view
  Tensor rt = t.reshape({6});         // not packed: reshape copies
  CHECK(rt.storage().get() != x.storage().get());
  CHECK(rt.to_vector<float>() == std::vector<float>{0, 3, 1, 4, 2, 5});
  Tensor e = Tensor::from_vector<float>({7, 8, 9}, {3}).expand({2, 3});
  CHECK(e.strides() == Shape{0, 1});
  CHECK(e.to_vector<float>() == std::vector<float>{7, 8, 9, 7, 8, 9});
  CHECK(x.unsqueeze(1).shape() == Shape{2, 1, 3});
  CHECK(x.unsqueeze(-1).squeeze(2).shape() == Shape{2, 3});
}

TEST_CASE("creation and conversion") {
  CHECK(Tensor::zeros({2, 2}).to_vector<float>() == std::vector<float>(4, 0.0f));
  CHECK(Tensor::full({3}, 2.5, DType::Float64).to_vector<double>() == std::vector<double>(3, 2.5));
  CHECK(Tensor::arange(4).to_vector<int64_t>() == std::vector<int64_t>{0, 1, 2, 3});
  CHECK(Tensor::scalar(3.0).dim() == 0);
  CHECK(Tensor::scalar(3.0).item<float>() == 3.0f);
  Tensor x = Tensor::from_vector<float>({1.5f, -2.25f, 65504.0f, 1e-3f}, {4});
  // float16/bfloat16 are storage types: a round trip keeps representable values.
  CHECK(x.to(DType::Float16).to(DType::Float32).to_vector<float>()[1] == -2.25f);
  CHECK(x.to(DType::Float16).to(DType::Float32).to_vector<float>()[2] == 65504.0f);
  CHECK(std::fabs(x.to(DType::BFloat16).to(DType::Float32).to_vector<float>()[3] - 1e-3f) < 1e-5f);
  CHECK(x.to(DType::Int64).to_vector<int64_t>() == std::vector<int64_t>{1, -2, 65504, 0});
  CHECK(Tensor::from_vector<float>({NAN}, {1}).to(DType::Int32).to_vector<int32_t>()[0] == 0);
  Tensor empty = Tensor::zeros({0, 3});
  CHECK(empty.numel() == 0);
  CHECK(sum(empty).item<float>() == 0.0f);
}

TEST_CASE("bad use gives clear errors") {
  Tensor a = Tensor::zeros({2, 3}), b = Tensor::zeros({4, 5});
  CHECK_THROWS_WITH_AS(matmul(a, b), doctest::Contains("[2, 3] and [4, 5] do not align"), std::runtime_error);
  CHECK_THROWS_WITH_AS(a + b, doctest::Contains("cannot be broadcast"), std::runtime_error);
  CHECK_THROWS_WITH_AS(a + Tensor::zeros({2, 3}, DType::Float64), doctest::Contains("dtype mismatch"),
                       std::runtime_error);
  CHECK_THROWS_WITH_AS(a.reshape({4, 2}), doctest::Contains("cannot reshape"), std::runtime_error);
  CHECK_THROWS_WITH_AS(a.to_vector<double>(), doctest::Contains("float32, not float64"), std::runtime_error);
  CHECK_THROWS_WITH_AS(a.item<float>(), doctest::Contains("6 elements"), std::runtime_error);
  CHECK_THROWS_WITH_AS(a.slice(1, 2, 5), doctest::Contains("invalid for dimension 1"), std::runtime_error);
  CHECK_THROWS_WITH_AS(sum(a, {2}), doctest::Contains("out of range"), std::runtime_error);
  CHECK_THROWS_WITH_AS(index_select(a, Tensor::from_vector<int64_t>({0, 2}, {2})),
                       doctest::Contains("index 2 out of range [0, 2)"), std::runtime_error);
  CHECK_THROWS_WITH_AS(segment_sum(a, Tensor::from_vector<int64_t>({0, 3}, {2})),
                       doctest::Contains("offsets must run from 0 to 2"), std::runtime_error);
  CHECK_THROWS_WITH_AS(Tensor::from_vector<float>({1, 2}, {3}), doctest::Contains("do not fill shape [3]"),
                       std::runtime_error);
  CHECK_THROWS_WITH_AS(Tensor().shape(), doctest::Contains("undefined tensor"), std::runtime_error);
  CHECK_THROWS_WITH_AS(parse_device("gpu"), doctest::Contains("unknown device 'gpu'"), std::runtime_error);
}

TEST_CASE("softmax of a fully masked row is zero, never NaN") {
  Tensor x = Tensor::from_vector<float>({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor mask = Tensor::from_vector<uint8_t>({0, 0, 0, 1, 0, 1}, {2, 3});
  std::vector<float> y = softmax(x, -1, mask).to_vector<float>();
  CHECK(y[0] == 0.0f);
  CHECK(y[1] == 0.0f);
  CHECK(y[4] == 0.0f);
  CHECK(y[3] + y[5] == doctest::Approx(1.0f));
  for (float v : log_softmax(x, -1, mask).to_vector<float>()) CHECK_FALSE(std::isnan(v));
}
