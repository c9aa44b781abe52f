// The vectorisable float formulas of kernels/cpu/vector_math.h against the
// C library, and the lane sum against a plain loop.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "kernels/cpu/vector_math.h"

using namespace nlammr::cpu;

namespace {

// Distance between two floats in units in the last place of `exact`.
double ulps(float approx, double exact) {
  const float rounded = static_cast<float>(exact);
  const double ulp = std::nextafter(rounded, std::numeric_limits<float>::infinity()) - rounded;
  return std::fabs(static_cast<double>(approx) - exact) / ulp;
}

}  // namespace

TEST_CASE("exp_approx is within 2 ulp of exp wherever the result is a normal float") {
  double worst = 0.0;
  float worst_x = 0.0f;
  for (float x = -87.0f; x < 88.7f; x += 0.00137f) {
    const double err = ulps(exp_approx(x), std::exp(static_cast<double>(x)));
    if (err > worst) worst = err, worst_x = x;
  }
  INFO("worst at x = " << worst_x);
  CHECK(worst <= 2.0);
}

TEST_CASE("exp_approx handles the ends of the range and special values") {
  const float inf = std::numeric_limits<float>::infinity();
  CHECK(exp_approx(0.0f) == 1.0f);
  CHECK(exp_approx(-inf) == 0.0f);
  CHECK(exp_approx(-200.0f) == 0.0f);
  CHECK(exp_approx(inf) == inf);
  CHECK(exp_approx(89.0f) == inf);
  CHECK(std::isnan(exp_approx(std::numeric_limits<float>::quiet_NaN())));
  // Denormal results are still close (relative to the smallest normal float).
  const float tiny = exp_approx(-95.0f);
  CHECK(tiny > 0.0f);
  CHECK(std::fabs(tiny - std::exp(-95.0)) < 1e-3 * std::numeric_limits<float>::min());
}

TEST_CASE("erf_approx is within 1e-6 of erf and odd") {
  double worst = 0.0;
  bool odd = true;
  for (float x = -6.0f; x <= 6.0f; x += 0.0007f) {
    worst = std::max(worst, std::fabs(erf_approx(x) - std::erf(static_cast<double>(x))));
    odd = odd && erf_approx(-x) == -erf_approx(x);
  }
  CHECK(worst < 1e-6);
  CHECK(odd);
  CHECK(erf_approx(0.0f) == 0.0f);
  CHECK(erf_approx(20.0f) == 1.0f);
  CHECK(erf_approx(-std::numeric_limits<float>::infinity()) == -1.0f);
}

TEST_CASE("lane_sum agrees with a plain loop for every length up to a few lanes") {
  for (int64_t n = 0; n <= 3 * kLanes + 1; ++n) {
    std::vector<float> x(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) x[i] = static_cast<float>((i * 37) % 11) - 4.0f;  // small integers: exact sums
    double expected = 0.0;
    for (float v : x) expected += v;
    CHECK(lane_sum(n, [&](int64_t i) { return static_cast<double>(x[i]); }) == expected);
  }
}
