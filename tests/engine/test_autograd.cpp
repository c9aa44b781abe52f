// The autograd engine's contract: accumulation, no_grad, detach, graph
// release, and how errors are reported.
#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>

#include "engine/engine.h"

using namespace nlammr;

TEST_CASE("gradients accumulate across backward calls and reset with zero_grad") {
  Tensor x = Tensor::from_vector<double>({1, 2, 3}, {3}).requires_grad_();
  sum(x * x).backward();
  CHECK(x.grad().to_vector<double>() == std::vector<double>{2, 4, 6});
  sum(x * 3.0).backward();
  CHECK(x.grad().to_vector<double>() == std::vector<double>{5, 7, 9});
  x.zero_grad();
  CHECK_FALSE(x.grad().defined());
}

TEST_CASE("a tensor used twice receives the sum of both gradients") {
  Tensor x = Tensor::from_vector<double>({2}, {1}).requires_grad_();
  Tensor y = x * x;          // dy/dx = 2x
  Tensor z = sum(y * x + y);  // x^3 + x^2 -> 3x^2 + 2x = 16
  z.backward();
  CHECK(x.grad().item<double>() == 16.0);
}

// A leaf keeps the gradient tensor without copying it only when nothing else
// holds that tensor; accumulating into it must never change anyone else's.
TEST_CASE("a leaf's gradient never shares memory with another leaf's or the caller's") {
  Tensor a = Tensor::from_vector<double>({1, 2}, {2}).requires_grad_();
  Tensor b = Tensor::from_vector<double>({3, 4}, {2}).requires_grad_();
  (a + b).backward(Tensor::ones({2}, DType::Float64));  // AddBackward hands one tensor to both
  sum(a * 3.0).backward();
  CHECK(a.grad().to_vector<double>() == std::vector<double>{4, 4});
  CHECK(b.grad().to_vector<double>() == std::vector<double>{1, 1});

  Tensor seed = Tensor::from_vector<double>({5, 6}, {2});
  Tensor c = Tensor::from_vector<double>({0, 0}, {2}).requires_grad_();
  c.backward(seed);  // the root is the leaf: its gradient is the caller's seed
  sum(c).backward();
  CHECK(c.grad().to_vector<double>() == std::vector<double>{6, 7});
  CHECK(seed.to_vector<double>() == std::vector<double>{5, 6});
}

TEST_CASE("broadcast gradients are summed back to the source shape") {
  Tensor a = Tensor::ones({2, 3}, DType::Float64).requires_grad_();
  Tensor b = Tensor::ones({3}, DType::Float64).requires_grad_();
  sum(a * b).backward();
  CHECK(b.grad().shape() == Shape{3});
  CHECK(b.grad().to_vector<double>() == std::vector<double>{2, 2, 2});
}

TEST_CASE("no_grad and detach record nothing") {
  Tensor x = Tensor::ones({2}).requires_grad_();
  {
    NoGradGuard guard;
    Tensor y = x * 2.0;
    CHECK_FALSE(y.requires_grad());
  }
  CHECK(GradMode::is_enabled());
  Tensor d = (x * 2.0).detach();
  CHECK_FALSE(d.requires_grad());
  CHECK(d.is_leaf());
  CHECK_THROWS_WITH_AS(sum(d).backward(), doctest::Contains("does not require grad"), std::runtime_error);
}

TEST_CASE("the graph is released after backward unless retained") {
  Tensor x = Tensor::ones({2}, DType::Float64).requires_grad_();
  Tensor loss = sum(exp(x));
  loss.backward(Tensor(), /*retain_graph=*/true);
  loss.backward();  // allowed: the first call kept the graph
  CHECK(x.grad().to_vector<double>()[0] == doctest::Approx(2 * std::exp(1.0)));
  CHECK_THROWS_WITH_AS(loss.backward(), doctest::Contains("a second time"), std::runtime_error);
}

TEST_CASE("backward needs a scalar or an explicit gradient") {
  Tensor x = Tensor::ones({3}).requires_grad_();
  Tensor y = x * 2.0;
  CHECK_THROWS_WITH_AS(y.backward(), doctest::Contains("single-element"), std::runtime_error);
  y.backward(Tensor::from_vector<float>({1, 2, 3}, {3}));
  CHECK(x.grad().to_vector<float>() == std::vector<float>{2, 4, 6});
  CHECK_THROWS_WITH_AS(y.requires_grad_(false), doctest::Contains("only leaf tensors"), std::runtime_error);
  CHECK_THROWS_WITH_AS(Tensor::zeros({2}, DType::Int64).requires_grad_(), doctest::Contains("float32/float64"),
                       std::runtime_error);
}

TEST_CASE("a deep chain backpropagates without exhausting the stack") {
  Tensor x = Tensor::ones({1}, DType::Float64).requires_grad_();
  Tensor y = x;
  for (int i = 0; i < 100000; ++i) y = y + 0.0;
  sum(y).backward();
  CHECK(x.grad().item<double>() == 1.0);
}

TEST_CASE("gradients flow across dtype conversions") {
  Tensor x = Tensor::from_vector<float>({1, 2}, {2}).requires_grad_();
  Tensor y = sum(x.to(DType::Float64) * 3.0);
  y.backward();
  CHECK(x.grad().dtype() == DType::Float32);
  CHECK(x.grad().to_vector<float>() == std::vector<float>{3, 3});
}
