// Case definitions for bench/engine_ops. Inputs are random normal; the values
// do not matter for timing, only the shapes do.
#include "bench/engine_cases.h"

#include <Eigen/Core>

#include "engine/engine.h"

namespace nlammr::bench {
namespace {

struct Gemm {
  int64_t m, k, n;
};

std::string shape_name(const Shape& s) { return shape_str(s); }

// Leaves that a fwd+bwd case differentiates; their gradients are dropped after
// every call so that each backward writes fresh gradients instead of adding
// onto the previous ones (the PyTorch side sets .grad = None the same way).
void drop_grads(const std::vector<Tensor>& leaves) {
  for (const Tensor& t : leaves) t.zero_grad();
}

CaseSpec gemm_case(const std::string& label, Gemm g) {
  CaseSpec spec;
  spec.name = "matmul " + label + " [" + std::to_string(g.m) + "x" + std::to_string(g.k) + "]x[" +
              std::to_string(g.k) + "x" + std::to_string(g.n) + "]";
  spec.flops = 2.0 * static_cast<double>(g.m) * static_cast<double>(g.k) * static_cast<double>(g.n);
  spec.make = [g] {
    struct Inputs {
      Tensor a, b;
      Eigen::MatrixXf ea, eb, ec;
    };
    auto in = std::make_shared<Inputs>();
    Generator gen(1);
    in->a = randn({g.m, g.k}, gen);
    in->b = randn({g.k, g.n}, gen);
    in->ea = Eigen::MatrixXf::Random(g.m, g.k);
    in->eb = Eigen::MatrixXf::Random(g.k, g.n);
    in->ec = Eigen::MatrixXf::Zero(g.m, g.n);
    CaseRun run;
    run.nlammr = [in] { matmul(in->a, in->b); };
    run.eigen = [in] { in->ec.noalias() = in->ea * in->eb; };
    run.inputs = in;
    return run;
  };
  return spec;
}

// A case with only an nlammr side (no Eigen counterpart).
CaseSpec op_case(const std::string& name, std::function<CaseRun()> make) {
  CaseSpec spec;
  spec.name = name;
  spec.make = std::move(make);
  return spec;
}

// Forward only (inputs do not require gradients, so no graph is recorded),
// or forward + backward from a fixed upstream gradient.
CaseRun forward_run(std::vector<Tensor> inputs, std::function<Tensor(const std::vector<Tensor>&)> f) {
  auto in = std::make_shared<std::vector<Tensor>>(std::move(inputs));
  CaseRun run;
  run.nlammr = [in, f] { f(*in); };
  run.inputs = in;
  return run;
}

CaseRun backward_run(std::vector<Tensor> leaves, const Shape& out_shape,
                     std::function<Tensor(const std::vector<Tensor>&)> f) {
  struct Inputs {
    std::vector<Tensor> leaves;
    Tensor grad;
  };
  auto in = std::make_shared<Inputs>();
  Generator gen(2);
  for (Tensor& t : leaves) t.requires_grad_();
  in->leaves = std::move(leaves);
  in->grad = randn(out_shape, gen);
  CaseRun run;
  run.nlammr = [in, f] {
    f(in->leaves).backward(in->grad);
    drop_grads(in->leaves);
  };
  run.inputs = in;
  return run;
}

void add_op_cases(std::vector<CaseSpec>& cases) {
  const Shape scores = {4096, 512}, hidden = {4096, 384}, ffn = {4096, 1536};

  cases.push_back(op_case("softmax fwd " + shape_name(scores), [=] {
    Generator gen(3);
    return forward_run({randn(scores, gen)}, [](const std::vector<Tensor>& x) { return softmax(x[0], -1); });
  }));
  cases.push_back(op_case("softmax fwd+bwd " + shape_name(scores), [=] {
    Generator gen(3);
    return backward_run({randn(scores, gen)}, scores,
                        [](const std::vector<Tensor>& x) { return softmax(x[0], -1); });
  }));

  auto layer_norm_inputs = [=] {
    Generator gen(4);
    return std::vector<Tensor>{randn(hidden, gen), randn({hidden[1]}, gen), randn({hidden[1]}, gen)};
  };
  auto ln = [](const std::vector<Tensor>& x) { return layer_norm(x[0], x[1], x[2], 1e-12); };
  cases.push_back(
      op_case("layer_norm fwd " + shape_name(hidden), [=] { return forward_run(layer_norm_inputs(), ln); }));
  cases.push_back(op_case("layer_norm fwd+bwd " + shape_name(hidden),
                          [=] { return backward_run(layer_norm_inputs(), hidden, ln); }));

  cases.push_back(op_case("gelu fwd " + shape_name(ffn), [=] {
    Generator gen(5);
    return forward_run({randn(ffn, gen)}, [](const std::vector<Tensor>& x) { return gelu(x[0]); });
  }));
  cases.push_back(op_case("gelu fwd+bwd " + shape_name(ffn), [=] {
    Generator gen(5);
    return backward_run({randn(ffn, gen)}, ffn, [](const std::vector<Tensor>& x) { return gelu(x[0]); });
  }));

  cases.push_back(op_case("add " + shape_name(ffn) + "+" + shape_name(ffn), [=] {
    Generator gen(6);
    return forward_run({randn(ffn, gen), randn(ffn, gen)},
                       [](const std::vector<Tensor>& x) { return add(x[0], x[1]); });
  }));
  cases.push_back(op_case("add broadcast " + shape_name(ffn) + "+" + shape_name({ffn[1]}), [=] {
    Generator gen(6);
    return forward_run({randn(ffn, gen), randn({ffn[1]}, gen)},
                       [](const std::vector<Tensor>& x) { return add(x[0], x[1]); });
  }));
  cases.push_back(op_case("add broadcast fwd+bwd " + shape_name(ffn) + "+" + shape_name({ffn[1]}), [=] {
    Generator gen(6);
    return backward_run({randn(ffn, gen), randn({ffn[1]}, gen)}, ffn,
                        [](const std::vector<Tensor>& x) { return add(x[0], x[1]); });
  }));

  for (int64_t dim : {0, 1}) {
    cases.push_back(op_case("sum dim=" + std::to_string(dim) + " " + shape_name(ffn), [=] {
      Generator gen(7);
      return forward_run({randn(ffn, gen)}, [dim](const std::vector<Tensor>& x) { return sum(x[0], {dim}); });
    }));
  }

  for (const Shape& s : {Shape{8, 12, 128, 64}, Shape{32, 12, 32, 32}}) {
    auto qkv = [s] {
      Generator gen(8);
      return std::vector<Tensor>{randn(s, gen), randn(s, gen), randn(s, gen)};
    };
    auto attend = [](const std::vector<Tensor>& x) { return scaled_dot_product_attention(x[0], x[1], x[2]); };
    cases.push_back(op_case("attention fwd " + shape_name(s), [=] { return forward_run(qkv(), attend); }));
    cases.push_back(
        op_case("attention fwd+bwd " + shape_name(s), [=] { return backward_run(qkv(), s, attend); }));
  }

  // Embedding lookup (BERT vocabulary x hidden) and GIN-style message
  // aggregation (edge rows summed into node rows).
  cases.push_back(op_case("index_select [30522, 384] rows=4096", [] {
    Generator gen(9);
    std::vector<int64_t> ids(4096);
    for (size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<int64_t>((i * 7919) % 30522);
    return forward_run({randn({30522, 384}, gen), Tensor::from_vector(ids, {4096})},
                       [](const std::vector<Tensor>& x) { return index_select(x[0], x[1]); });
  }));
  cases.push_back(op_case("index_add [16384, 384] -> rows=4096", [] {
    Generator gen(10);
    std::vector<int64_t> dst(16384);
    for (size_t i = 0; i < dst.size(); ++i) dst[i] = static_cast<int64_t>((i * 2654435761u) % 4096);
    return forward_run({randn({16384, 384}, gen), Tensor::from_vector(dst, {16384})},
                       [](const std::vector<Tensor>& x) { return scatter_add(x[0], x[1], 4096); });
  }));

  // A BERT feed-forward projection as the model calls it: x · Wᵀ + b.
  auto linear_inputs = [] {
    Generator gen(11);
    return std::vector<Tensor>{randn({4096, 384}, gen), randn({1536, 384}, gen), randn({1536}, gen)};
  };
  auto lin = [](const std::vector<Tensor>& x) { return linear(x[0], x[1], x[2]); };
  cases.push_back(op_case("linear fwd [4096, 384]->1536", [=] { return forward_run(linear_inputs(), lin); }));
  cases.push_back(op_case("linear fwd+bwd [4096, 384]->1536", [=] {
    return backward_run(linear_inputs(), {4096, 1536}, lin);
  }));
}

}  // namespace

std::vector<CaseSpec> engine_cases(bool quick) {
  std::vector<CaseSpec> cases;
  const std::vector<int64_t> squares =
      quick ? std::vector<int64_t>{128, 256} : std::vector<int64_t>{128, 256, 512, 1024, 2048};
  for (int64_t s : squares) cases.push_back(gemm_case("square", {s, s, s}));
  if (!quick) {
    // The BERT-base-like layer at batch x sequence = 4096 tokens, hidden 384:
    // attention projections, feed-forward up and down.
    cases.push_back(gemm_case("bert-qkv", {4096, 384, 384}));
    cases.push_back(gemm_case("bert-ffn-up", {4096, 384, 1536}));
    cases.push_back(gemm_case("bert-ffn-down", {4096, 1536, 384}));
    add_op_cases(cases);
  }
  return cases;
}

}  // namespace nlammr::bench
