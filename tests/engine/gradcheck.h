// Finite-difference gradient checking in float64.
//
// For leaves x_1..x_n and a function f, we backpropagate L = sum(f(x) * w)
// for a fixed random w (so every output element gets a distinct upstream
// gradient) and compare dL/dx with central differences
//   (L(x + h e_i) - L(x - h e_i)) / 2h
// element by element.
#pragma once

#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "engine/engine.h"

namespace nlammr::testing {

using Fn = std::function<Tensor(const std::vector<Tensor>&)>;

inline Tensor random_leaf(const Shape& shape, Generator& gen, double scale = 1.0) {
  return (randn(shape, gen, DType::Float64) * scale).detach().requires_grad_();
}

// Returns the largest error between analytic and numeric gradients,
// relative where values exceed 1, and describes where it occurred.
inline double gradcheck_error(const std::vector<Tensor>& leaves, const Fn& f, std::string* where = nullptr,
                              double h = 1e-6, uint64_t seed = 1234) {
  for (const Tensor& x : leaves) x.zero_grad();
  Tensor out = f(leaves);
  Generator wgen(seed);
  Tensor w = randn(out.shape(), wgen, DType::Float64);
  sum(out * w).backward();

  auto loss_at = [&]() {
    NoGradGuard no_grad;
    return sum(f(leaves) * w).item<double>();
  };
  double worst = 0.0;
  for (size_t li = 0; li < leaves.size(); ++li) {
    const Tensor& x = leaves[li];
    if (!x.requires_grad()) continue;
    Tensor analytic = x.grad().defined() ? x.grad() : Tensor::zeros(x.shape(), DType::Float64);
    std::vector<double> a = analytic.to_vector<double>();
    double* data = x.data<double>();  // leaves are packed: element i is data[i]
    for (int64_t i = 0; i < x.numel(); ++i) {
      const double saved = data[i];
      data[i] = saved + h;
      const double plus = loss_at();
      data[i] = saved - h;
      const double minus = loss_at();
      data[i] = saved;
      const double numeric = (plus - minus) / (2 * h);
      const double err = std::fabs(numeric - a[i]) / std::max(1.0, std::fabs(numeric));
      if (err > worst || std::isnan(err)) {
        worst = std::isnan(err) ? INFINITY : err;
        if (where)
          *where = "leaf " + std::to_string(li) + " element " + std::to_string(i) + ": analytic " +
                   std::to_string(a[i]) + ", numeric " + std::to_string(numeric);
      }
    }
  }
  return worst;
}

// Checks that analytic and numeric gradients agree within `tol`.
inline void gradcheck(const std::vector<Tensor>& leaves, const Fn& f, double h = 1e-6, double tol = 1e-6) {
  std::string where;
  const double err = gradcheck_error(leaves, f, &where, h);
  INFO("worst mismatch at " << where);
  CHECK(err <= tol);
}

}  // namespace nlammr::testing
