// The fused batch-norm kernels (kernels/cpu/batchnorm.cpp) against batch
// norm composed from elementwise ops, and their independence of the thread
// count.
#include <doctest/doctest.h>
#include <omp.h>

#include <cmath>

#include "engine/engine.h"

using namespace nlammr;

namespace {

double max_abs_diff(const Tensor& a, const Tensor& b) {
  REQUIRE(a.shape() == b.shape());
  const std::vector<double> x = a.detach().to(DType::Float64).to_vector<double>();
  const std::vector<double> y = b.detach().to(DType::Float64).to_vector<double>();
  double worst = 0.0;
  for (size_t i = 0; i < x.size(); ++i) worst = std::max(worst, std::fabs(x[i] - y[i]));
  return worst;
}

struct BatchNormCase {
  Tensor x, weight, bias, running_mean, running_var, upstream;
};

// Float64, more rows than one chunk of the kernel's column sums, values
// away from zero mean and unit variance.
BatchNormCase make_case(int64_t rows, int64_t cols, uint64_t seed) {
  Generator gen(seed);
  BatchNormCase c;
  c.x = (randn({rows, cols}, gen, DType::Float64) * 2.0 + 0.7).requires_grad_();
  c.weight = (rand_uniform({cols}, 0.5, 1.5, gen, DType::Float64)).requires_grad_();
  c.bias = (rand_uniform({cols}, -0.5, 0.5, gen, DType::Float64)).requires_grad_();
  c.running_mean = randn({cols}, gen, DType::Float64);
  c.running_var = rand_uniform({cols}, 0.5, 2.0, gen, DType::Float64);
  c.upstream = randn({rows, cols}, gen, DType::Float64);
  return c;
}

// Batch norm written with elementwise ops, as PyTorch defines it.
Tensor composed_batch_norm(const BatchNormCase& c, bool training, double eps, bool affine) {
  Tensor mu = training ? mean(c.x, {0}, true) : c.running_mean.reshape({1, -1});
  Tensor centered = c.x - mu;
  Tensor var = training ? mean(centered * centered, {0}, true) : c.running_var.reshape({1, -1});
  Tensor y = centered * pow(var + eps, -0.5);
  return affine ? y * c.weight + c.bias : y;
}

struct Grads {
  Tensor y, gx, gweight, gbias;
};

template <typename F>
Grads run(const BatchNormCase& c, F forward) {
  for (const Tensor* t : {&c.x, &c.weight, &c.bias}) t->zero_grad();
  Grads g;
  g.y = forward();
  sum(g.y * c.upstream).backward();
  g.gx = c.x.grad(), g.gweight = c.weight.grad(), g.gbias = c.bias.grad();
  return g;
}

}  // namespace

TEST_CASE("fused batch norm equals its composition from elementwise ops") {
  const double eps = 1e-5, momentum = 0.1;
  for (const bool training : {true, false}) {
    for (const bool affine : {true, false}) {
      INFO((training ? "training" : "evaluation") << (affine ? ", with" : ", without") << " weight and bias");
      BatchNormCase c = make_case(600, 7, 11);
      const Tensor rm0 = c.running_mean.clone(), rv0 = c.running_var.clone();
      const Grads expected = run(c, [&] { return composed_batch_norm(c, training, eps, affine); });
      const Grads fused = run(c, [&] {
        return batch_norm(c.x, c.running_mean, c.running_var, affine ? c.weight : Tensor(),
                          affine ? c.bias : Tensor(), training, momentum, eps);
      });
      CHECK(max_abs_diff(fused.y, expected.y) <= 1e-12);
      CHECK(max_abs_diff(fused.gx, expected.gx) <= 1e-12);
      if (affine) {
        CHECK(max_abs_diff(fused.gweight, expected.gweight) <= 1e-10);
        CHECK(max_abs_diff(fused.gbias, expected.gbias) <= 1e-10);
      }
      if (training) {  // running statistics moved towards the batch's, the variance unbiased
        NoGradGuard no_grad;
        const double n = static_cast<double>(c.x.size(0));
        Tensor batch_mean = mean(c.x, {0});
        Tensor centered = c.x - batch_mean;
        Tensor batch_var = sum(centered * centered, {0}) * (1.0 / (n - 1.0));
        CHECK(max_abs_diff(c.running_mean, rm0 * (1 - momentum) + batch_mean * momentum) <= 1e-12);
        CHECK(max_abs_diff(c.running_var, rv0 * (1 - momentum) + batch_var * momentum) <= 1e-12);
      } else {
        CHECK(max_abs_diff(c.running_mean, rm0) == 0.0);
        CHECK(max_abs_diff(c.running_var, rv0) == 0.0);
      }
    }
  }
}

TEST_CASE("fused batch norm gives the same bits on 1 and on 3 threads") {
  const int saved = omp_get_max_threads();
  auto once = [](int threads) {
    omp_set_num_threads(threads);
    BatchNormCase c = make_case(3000, 33, 12);
    Tensor x = c.x.detach().to(DType::Float32).requires_grad_();
    Tensor w = c.weight.detach().to(DType::Float32).requires_grad_();
    Tensor y = batch_norm(x, Tensor(), Tensor(), w, Tensor(), true, 0.1, 1e-5);
    sum(y * c.upstream.to(DType::Float32)).backward();
    std::vector<float> out = y.to_vector<float>();
    for (const Tensor& t : {x.grad(), w.grad()}) {
      std::vector<float> v = t.to_vector<float>();
      out.insert(out.end(), v.begin(), v.end());
    }
    return out;
  };
  const std::vector<float> one = once(1), three = once(3);
  omp_set_num_threads(saved);
  CHECK(one == three);
}
