// Every op, optimizer and a small training run compared with PyTorch
// (values from tools/reference/make_engine_fixtures.py, float64).
//
// Tolerances: float64 runs must agree to 1e-9 (relative to max(1, |value|));
// the same cases in float32 to 2e-4, the error of float32 arithmetic on
// values of order 1 accumulated over a few dozen operations.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>

#include "engine/engine.h"
#include "tests/test_support.h"

using namespace nlammr;
using json = nlohmann::json;

namespace {

json load_fixture(const std::string& name) {
  std::ifstream in(nlammr::testing::fixture_path("engine/" + name));
  REQUIRE_MESSAGE(in.good(), "missing fixture " << name << " (run tools/reference/make_engine_fixtures.py)");
  return json::parse(in);
}

Shape shape_of(const json& t) { return t.at("shape").get<Shape>(); }

Tensor from_json(const json& t, DType float_dtype) {
  const std::string dtype = t.at("dtype");
  if (dtype == "int64") return Tensor::from_vector(t.at("data").get<std::vector<int64_t>>(), shape_of(t));
  return Tensor::from_vector(t.at("data").get<std::vector<double>>(), shape_of(t)).to(float_dtype);
}

double max_error(const Tensor& actual, const json& expected) {
  CHECK(actual.shape() == shape_of(expected));
  std::vector<double> a = actual.detach().to(DType::Float64).to_vector<double>();
  std::vector<double> e = expected.at("data").get<std::vector<double>>();
  double worst = 0.0;
  for (size_t i = 0; i < a.size() && i < e.size(); ++i) {
    const double err = std::fabs(a[i] - e[i]) / std::max(1.0, std::fabs(e[i]));
    worst = std::isnan(err) ? INFINITY : std::max(worst, err);
  }
  return worst;
}

using OpFn = std::function<Tensor(const std::vector<Tensor>&, const json&)>;

// nlammr's op for each fixture op name.
const std::map<std::string, OpFn>& op_table() {
  static const std::map<std::string, OpFn> table = {
      {"add", [](auto& x, auto&) { return x[0] + x[1]; }},
      {"sub", [](auto& x, auto&) { return x[0] - x[1]; }},
      {"mul", [](auto& x, auto&) { return x[0] * x[1]; }},
      {"div", [](auto& x, auto&) { return x[0] / x[1]; }},
      {"pow", [](auto& x, auto&) { return pow(x[0], x[1]); }},
      {"maximum", [](auto& x, auto&) { return maximum(x[0], x[1]); }},
      {"minimum", [](auto& x, auto&) { return minimum(x[0], x[1]); }},
      {"add_scalar", [](auto& x, auto& p) { return x[0] + p.at("scalar").template get<double>(); }},
      {"mul_scalar", [](auto& x, auto& p) { return x[0] * p.at("scalar").template get<double>(); }},
      {"pow_scalar", [](auto& x, auto& p) { return pow(x[0], p.at("scalar").template get<double>()); }},
      {"neg", [](auto& x, auto&) { return neg(x[0]); }},
      {"exp", [](auto& x, auto&) { return exp(x[0]); }},
      {"log", [](auto& x, auto&) { return log(x[0]); }},
      {"sqrt", [](auto& x, auto&) { return sqrt(x[0]); }},
      {"abs", [](auto& x, auto&) { return abs(x[0]); }},
      {"relu", [](auto& x, auto&) { return relu(x[0]); }},
      {"gelu", [](auto& x, auto&) { return gelu(x[0], GeluApprox::Erf); }},
      {"gelu_tanh", [](auto& x, auto&) { return gelu(x[0], GeluApprox::Tanh); }},
      {"tanh", [](auto& x, auto&) { return tanh(x[0]); }},
      {"sigmoid", [](auto& x, auto&) { return sigmoid(x[0]); }},
      {"sum_all", [](auto& x, auto&) { return sum(x[0]); }},
      {"sum", [](auto& x, auto& p) { return sum(x[0], p.at("dims").template get<std::vector<int64_t>>(), p.at("keepdim")); }},
      {"mean", [](auto& x, auto& p) { return mean(x[0], p.at("dims").template get<std::vector<int64_t>>(), p.at("keepdim")); }},
      {"mean_all", [](auto& x, auto&) { return mean(x[0]); }},
      {"max", [](auto& x, auto& p) { return max(x[0], p.at("dim"), p.at("keepdim")); }},
      {"reshape", [](auto& x, auto& p) { return x[0].reshape(p.at("shape").template get<Shape>()); }},
      {"permute", [](auto& x, auto& p) { return x[0].permute(p.at("dims").template get<std::vector<int64_t>>()); }},
      {"transpose_reshape", [](auto& x, auto&) { return x[0].transpose(0, 2).reshape({-1}); }},
      {"slice", [](auto& x, auto& p) { return x[0].slice(p.at("dim"), p.at("start"), p.at("end")); }},
      {"concat", [](auto& x, auto& p) { return concat({x[0], x[1], x[0]}, p.at("dim")); }},
      {"index_select", [](auto& x, auto&) { return index_select(x[0], x[1]); }},
      {"embedding", [](auto& x, auto&) { return embedding(x[0], x[1]); }},
      {"scatter_add", [](auto& x, auto& p) { return scatter_add(x[0], x[1], p.at("num_rows")); }},
      {"segment_sum", [](auto& x, auto&) { return segment_sum(x[0], x[1]); }},
      {"matmul", [](auto& x, auto&) { return matmul(x[0], x[1]); }},
      {"linear", [](auto& x, auto&) { return linear(x[0], x[1], x.size() > 2 ? x[2] : Tensor()); }},
      {"softmax", [](auto& x, auto& p) { return softmax(x[0], p.at("dim"), x.size() > 1 ? x[1] : Tensor()); }},
      {"log_softmax", [](auto& x, auto& p) { return log_softmax(x[0], p.at("dim"), x.size() > 1 ? x[1] : Tensor()); }},
      {"layer_norm",
       [](auto& x, auto& p) {
         return layer_norm(x[0], x.size() > 1 ? x[1] : Tensor(), x.size() > 2 ? x[2] : Tensor(), p.at("eps"));
       }},
      {"batch_norm_train",
       [](auto& x, auto& p) { return batch_norm(x[0], Tensor(), Tensor(), x[1], x[2], true, 0.1, p.at("eps")); }},
      {"attention", [](auto& x, auto&) { return scaled_dot_product_attention(x[0], x[1], x[2], x[3]); }},
      {"bce_with_logits", [](auto& x, auto&) { return bce_with_logits(x[0], x[1]); }},
      {"multilabel_margin_loss", [](auto& x, auto&) { return multilabel_margin_loss(x[0], x[1]); }},
      {"cross_entropy", [](auto& x, auto& p) { return cross_entropy(x[0], x[1], p.at("ignore_index")); }},
      {"contrastive_loss",
       [](auto& x, auto& p) { return contrastive_loss(x[0], x[1], p.at("temperature").template get<double>()); }},
  };
  return table;
}

void run_case(const json& c, DType dtype, double tol) {
  const std::string name = c.at("name");
  const std::string op = c.at("op");
  INFO("case " << name << " (" << dtype_name(dtype) << ")");
  auto it = op_table().find(op);
  REQUIRE_MESSAGE(it != op_table().end(), "no nlammr op mapped for fixture op '" << op << "'");
  std::vector<Tensor> inputs;
  for (size_t i = 0; i < c.at("inputs").size(); ++i) {
    Tensor t = from_json(c.at("inputs")[i], dtype);
    if (!c.at("grads")[i].is_null()) t.requires_grad_();
    inputs.push_back(t);
  }
  Tensor out = it->second(inputs, c.at("params"));
  CHECK_MESSAGE(max_error(out, c.at("output")) <= tol, "forward");
  sum(out * from_json(c.at("weight"), dtype)).backward();
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (c.at("grads")[i].is_null()) continue;
    REQUIRE_MESSAGE(inputs[i].grad().defined(), "no gradient reached input " << i);
    CHECK_MESSAGE(max_error(inputs[i].grad(), c.at("grads")[i]) <= tol, "gradient of input " << i);
  }
}

}  // namespace

TEST_CASE("ops match PyTorch in float64 and float32") {
  const json fixture = load_fixture("ops.json");
  REQUIRE(fixture.at("cases").size() >= 50);
  for (const json& c : fixture.at("cases")) {
    run_case(c, DType::Float64, 1e-9);
    run_case(c, DType::Float32, 2e-4);
  }
}

TEST_CASE("optimizers match torch.optim step by step") {
  const json fixture = load_fixture("optimizers.json");
  for (const json& run : fixture.at("runs")) {
    const std::string name = run.at("name");
    INFO("optimizer run " << name);
    std::vector<Tensor> params;
    for (const json& p : run.at("params")) params.push_back(from_json(p, DType::Float64).requires_grad_());
    std::unique_ptr<optim::Optimizer> opt;
    auto group = [&](double lr, double wd) { return std::vector<optim::ParamGroup>{{params, lr, wd}}; };
    if (name == "sgd") opt = std::make_unique<optim::SGD>(group(0.1, 0.0));
    if (name == "sgd_momentum_wd") opt = std::make_unique<optim::SGD>(group(0.05, 0.01), 0.9);
    if (name == "sgd_nesterov") opt = std::make_unique<optim::SGD>(group(0.05, 0.0), 0.8, 0.0, true);
    if (name == "adam" || name == "adam_clipped") opt = std::make_unique<optim::Adam>(group(0.01, 0.0));
    if (name == "adam_l2") opt = std::make_unique<optim::Adam>(group(0.01, 0.1));
    if (name == "adamw") opt = std::make_unique<optim::AdamW>(group(0.01, 0.1));
    if (name == "adam_groups")
      opt = std::make_unique<optim::Adam>(
          std::vector<optim::ParamGroup>{{{params[0]}, 0.02, 0.0}, {{params[1]}, 0.001, 0.5}}, 0.8, 0.95, 1e-6);
    REQUIRE_MESSAGE(opt, "no optimizer configured for run " << name);
    for (size_t t = 0; t < run.at("history").size(); ++t) {
      for (size_t i = 0; i < params.size(); ++i) params[i].set_grad(from_json(run.at("grads")[t][i], DType::Float64));
      if (!run.at("norms").empty()) {
        const double norm = optim::clip_grad_norm(params, 1.5);
        CHECK(norm == doctest::Approx(run.at("norms")[t].get<double>()).epsilon(1e-12));
      }
      opt->step();
      for (size_t i = 0; i < params.size(); ++i)
        CHECK_MESSAGE(max_error(params[i], run.at("history")[t][i]) <= 1e-12, "step " << t + 1 << " param " << i);
    }
  }
}

TEST_CASE("a small MLP trains exactly like PyTorch") {
  const json fx = load_fixture("mlp_training.json");
  for (DType dtype : {DType::Float64, DType::Float32}) {
    INFO(dtype_name(dtype));
    Generator gen(0);
    nn::MLP mlp({4, 8, 3}, nn::Activation::Relu, 0.0, gen, std::make_shared<Generator>(1), dtype);
    // PyTorch's Sequential names layers "0" and "2"; ours are layers.0 and layers.1.
    std::map<std::string, Tensor> init;
    for (auto [ours, theirs] : {std::pair<const char*, const char*>{"layers.0", "0"}, {"layers.1", "2"}})
      for (const char* p : {"weight", "bias"})
        init[std::string(ours) + "." + p] = from_json(fx.at("init").at(std::string(theirs) + "." + p), dtype);
    mlp.load_state_dict(init);
    optim::Adam opt({{mlp.parameters(), fx.at("lr"), fx.at("weight_decay")}});
    Tensor x = from_json(fx.at("x"), dtype), y = from_json(fx.at("y"), dtype);
    const double tol = dtype == DType::Float64 ? 1e-10 : 1e-4;
    for (size_t step = 0; step < fx.at("losses").size(); ++step) {
      opt.zero_grad();
      Tensor loss = cross_entropy(mlp.forward(x), y);
      loss.backward();
      opt.step();
      CHECK(loss.to(DType::Float64).item<double>() ==
            doctest::Approx(fx.at("losses")[step].get<double>()).epsilon(tol));
    }
    CHECK(max_error(mlp.state_dict().at("layers.1.weight"), fx.at("final").at("2.weight")) <= tol * 10);
  }
}
