// Modules, layers, dropout and the random generator.
#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>

#include <cmath>

#include "engine/engine.h"

using namespace nlammr;

namespace {
struct Block : nn::Module {
  Block(Generator& gen) {
    proj = register_module("proj", std::make_shared<nn::Linear>(4, 3, gen));
    norm = register_module("norm", std::make_shared<nn::LayerNorm>(3));
    bn = register_module("bn", std::make_shared<nn::BatchNorm1d>(3));
  }
  std::shared_ptr<nn::Linear> proj;
  std::shared_ptr<nn::LayerNorm> norm;
  std::shared_ptr<nn::BatchNorm1d> bn;
};
}  // namespace

TEST_CASE("parameters have PyTorch-style dotted names") {
  Generator gen(1);
  Block block(gen);
  std::vector<std::string> names;
  for (auto& [name, t] : block.named_parameters()) names.push_back(name);
  CHECK(names == std::vector<std::string>{"proj.weight", "proj.bias", "norm.weight", "norm.bias", "bn.weight",
                                          "bn.bias"});
  CHECK(block.named_buffers().size() == 2);
  CHECK(block.state_dict().count("bn.running_var") == 1);
  CHECK(block.num_parameters() == 4 * 3 + 3 + 3 + 3 + 3 + 3);
  nn::MLP mlp({5, 8, 2}, nn::Activation::Gelu, 0.1, gen, std::make_shared<Generator>(2));
  CHECK(mlp.named_parameters()[2].first == "layers.1.weight");
}

TEST_CASE("load_state_dict copies in place and names every problem") {
  Generator gen(1);
  Block a(gen), b(gen);
  Tensor w_before = b.proj->weight;
  b.load_state_dict(a.state_dict());
  CHECK(b.proj->weight.is_same(w_before));  // same handle (optimizers stay valid)
  CHECK(b.proj->weight.to_vector<float>() == a.proj->weight.to_vector<float>());
  auto state = a.state_dict();
  state.erase("norm.bias");
  state["proj.weight"] = Tensor::zeros({2, 2});
  state["extra"] = Tensor::zeros({1});
  try {
    b.load_state_dict(state);
    FAIL("load_state_dict accepted a bad state");
  } catch (const std::runtime_error& e) {
    const std::string msg = e.what();
    CHECK(msg.find("missing key: norm.bias") != std::string::npos);
    CHECK(msg.find("proj.weight: expected shape [3, 4], got [2, 2]") != std::string::npos);
    CHECK(msg.find("unexpected key: extra") != std::string::npos);
  }
}

TEST_CASE("batch norm updates running statistics like PyTorch and uses them in eval") {
  nn::BatchNorm1d bn(2);
  Tensor x = Tensor::from_vector<float>({1, 10, 3, 20, 5, 60}, {3, 2});
  bn.forward(x);
  // mean = (3, 30); unbiased var = (4, 700); momentum 0.1 from (0, 1).
  CHECK(bn.running_mean.to_vector<float>()[0] == doctest::Approx(0.3f));
  CHECK(bn.running_mean.to_vector<float>()[1] == doctest::Approx(3.0f));
  CHECK(bn.running_var.to_vector<float>()[0] == doctest::Approx(0.9f + 0.4f));
  CHECK(bn.running_var.to_vector<float>()[1] == doctest::Approx(0.9f + 70.0f));
  bn.eval();
  std::vector<float> y = bn.forward(x).to_vector<float>();
  CHECK(y[0] == doctest::Approx((1 - 0.3) / std::sqrt(1.3 + 1e-5)).epsilon(1e-5));
}

TEST_CASE("dropout drops a fraction p, rescales the rest and is reproducible") {
  auto gen = std::make_shared<Generator>(42);
  nn::Dropout drop(0.25, gen);
  Tensor x = Tensor::ones({200, 100});
  std::vector<float> y = drop.forward(x).to_vector<float>();
  int64_t zeros = 0;
  for (float v : y) {
    if (v == 0.0f) ++zeros;
    else CHECK(v == doctest::Approx(1.0f / 0.75f));
  }
  // 20000 Bernoulli(0.25) draws: the fraction lies within 0.25 +- 0.015 (5 sigma).
  CHECK(std::fabs(static_cast<double>(zeros) / 20000.0 - 0.25) < 0.015);
  Generator same(42);
  CHECK(dropout(x, 0.25, true, same).to_vector<float>() == y);
  CHECK(dropout(x, 0.25, true, same).to_vector<float>() != y);  // the generator moved on
  drop.eval();
  CHECK(drop.forward(x).to_vector<float>() == x.to_vector<float>());
}

TEST_CASE("random numbers depend only on (seed, offset)") {
  Generator a(7), b(7);
  CHECK(randn({5}, a).to_vector<float>() == randn({5}, b).to_vector<float>());
  Generator c(8);
  CHECK(randn({5}, a).to_vector<float>() != randn({5}, c).to_vector<float>());
  Generator d(7);
  d.set_state(7, a.offset());
  CHECK(randn({3}, a).to_vector<float>() == randn({3}, d).to_vector<float>());
  // The sample mean and variance of many normals are close to 0 and 1.
  std::vector<double> v = randn({20000}, c, DType::Float64).to_vector<double>();
  double m = 0, s = 0;
  for (double x : v) m += x;
  m /= v.size();
  for (double x : v) s += (x - m) * (x - m);
  CHECK(std::fabs(m) < 0.04);
  CHECK(std::fabs(s / v.size() - 1.0) < 0.05);
}
