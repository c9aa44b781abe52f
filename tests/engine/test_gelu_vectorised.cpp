// The vectorised float32 GELU (the GeluErf loops of kernels/cpu/elementwise.cpp,
// with cpu::fast_erf and cpu::fast_exp) against the exact function evaluated
// in float64, on packed and on strided inputs.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "engine/engine.h"

using namespace nlammr;

namespace {

// Eigen's float erf is a rational approximation good to a few ulp; the
// largest error, about 7e-7, is near x = -5.6, where GELU(x) is ~0 and the
// error is that of erf(x / sqrt 2) ~ -1 scaled by x / 2: a few ulp of the input.
TEST_CASE("float32 GELU stays within 1e-6 (absolute, relative above 1) of the float64 result") {
  // -12 .. 12 in steps of 1/1024, plus the tails and zero.
  std::vector<double> xs;
  for (int i = -12 * 1024; i <= 12 * 1024; ++i) xs.push_back(i / 1024.0);
  for (double v : {-80.0, -30.0, 30.0, 80.0, 1e-30}) xs.push_back(v);  // an even count, for the view below
  const Shape shape = {static_cast<int64_t>(xs.size())};
  Tensor x64 = Tensor::from_vector<double>(xs, shape);
  Tensor x32 = x64.to(DType::Float32);
  for (GeluApprox approx : {GeluApprox::Erf, GeluApprox::Tanh}) {
    CAPTURE(static_cast<int>(approx));
    const std::vector<double> exact = gelu(x32.to(DType::Float64), approx).to_vector<double>();
    const std::vector<float> fast = gelu(x32, approx).to_vector<float>();
    double worst = 0;
    for (size_t i = 0; i < xs.size(); ++i)
      worst = std::max(worst, std::fabs(fast[i] - exact[i]) / std::max(1.0, std::fabs(exact[i])));
    CHECK(worst < 1e-6);
    // A strided view takes the generic loop, which agrees to the same accuracy.
    Tensor strided = x32.reshape({-1, 2}).transpose(0, 1);  // every other element, not packed
    REQUIRE_FALSE(strided.is_contiguous());
    const std::vector<float> generic = gelu(strided, approx).contiguous().to_vector<float>();
    const std::vector<float> packed = gelu(strided.contiguous(), approx).to_vector<float>();
    for (size_t i = 0; i < generic.size(); ++i) CHECK(std::fabs(generic[i] - packed[i]) < 1e-6f);
  }
}

}  // namespace
