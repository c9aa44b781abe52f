// Case definitions for bench/engine_ops: the kCpuBench cases of
// tests/cases/kernel_cases.h, each turned into the engine calls that time it
// and named as bench/engine_ops_torch.py names its PyTorch counterpart.
// Inputs are random normal; the values do not matter for timing, only the
// shapes do.
#include "bench/engine_cases.h"

#include <Eigen/Core>
#include <stdexcept>

#include "engine/engine.h"
#include "tests/cases/kernel_cases.h"

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

// The registered kCpuBench cases of one family (tests/cases/kernel_cases.h).
std::vector<cases::OpCase> registered(const char* op) { return cases::cases_for(op, cases::kCpuBench); }

void add_op_cases(std::vector<CaseSpec>& out) {
  for (const cases::OpCase& c : registered("softmax")) {
    const Shape scores(c.dims);
    out.push_back(op_case("softmax fwd " + shape_name(scores), [=] {
      Generator gen(3);
      return forward_run({randn(scores, gen)},
                         [](const std::vector<Tensor>& x) { return softmax(x[0], -1); });
    }));
    out.push_back(op_case("softmax fwd+bwd " + shape_name(scores), [=] {
      Generator gen(3);
      return backward_run({randn(scores, gen)}, scores,
                          [](const std::vector<Tensor>& x) { return softmax(x[0], -1); });
    }));
  }

  for (const cases::OpCase& c : registered("layer_norm")) {
    const Shape hidden(c.dims);
    auto layer_norm_inputs = [=] {
      Generator gen(4);
      return std::vector<Tensor>{randn(hidden, gen), randn({hidden[1]}, gen), randn({hidden[1]}, gen)};
    };
    auto ln = [](const std::vector<Tensor>& x) { return layer_norm(x[0], x[1], x[2], 1e-12); };
    out.push_back(op_case("layer_norm fwd " + shape_name(hidden),
                          [=] { return forward_run(layer_norm_inputs(), ln); }));
    out.push_back(op_case("layer_norm fwd+bwd " + shape_name(hidden),
                          [=] { return backward_run(layer_norm_inputs(), hidden, ln); }));
  }

  for (const cases::OpCase& c : registered("gelu")) {
    const Shape ffn(c.dims);
    out.push_back(op_case("gelu fwd " + shape_name(ffn), [=] {
      Generator gen(5);
      return forward_run({randn(ffn, gen)}, [](const std::vector<Tensor>& x) { return gelu(x[0]); });
    }));
    out.push_back(op_case("gelu fwd+bwd " + shape_name(ffn), [=] {
      Generator gen(5);
      return backward_run({randn(ffn, gen)}, ffn, [](const std::vector<Tensor>& x) { return gelu(x[0]); });
    }));
  }

  // add: two tensors of one shape, or a broadcast row (forward and backward).
  for (const cases::OpCase& c : registered("add")) {
    const Shape ffn(c.dims);
    auto plus = [](const std::vector<Tensor>& x) { return add(x[0], x[1]); };
    if (!c.flag("broadcast")) {
      out.push_back(op_case("add " + shape_name(ffn) + "+" + shape_name(ffn), [=] {
        Generator gen(6);
        return forward_run({randn(ffn, gen), randn(ffn, gen)}, plus);
      }));
      continue;
    }
    const Shape row{ffn.back()};
    out.push_back(op_case("add broadcast " + shape_name(ffn) + "+" + shape_name(row), [=] {
      Generator gen(6);
      return forward_run({randn(ffn, gen), randn(row, gen)}, plus);
    }));
    out.push_back(op_case("add broadcast fwd+bwd " + shape_name(ffn) + "+" + shape_name(row), [=] {
      Generator gen(6);
      return backward_run({randn(ffn, gen), randn(row, gen)}, ffn, plus);
    }));
  }

  // sum over [outer, n, inner] of a 2-D tensor: dim 0 when outer is 1, dim 1 when inner is 1.
  for (const cases::OpCase& c : registered("sum")) {
    const bool over_rows = c.dim(0) == 1;
    if (!over_rows && c.dim(2) != 1) throw std::runtime_error("engine_ops: sum cases are 2-D");
    const int64_t dim = over_rows ? 0 : 1;
    const Shape shape = over_rows ? Shape{c.dim(1), c.dim(2)} : Shape{c.dim(0), c.dim(1)};
    out.push_back(op_case("sum dim=" + std::to_string(dim) + " " + shape_name(shape), [=] {
      Generator gen(7);
      return forward_run({randn(shape, gen)},
                         [dim](const std::vector<Tensor>& x) { return sum(x[0], {dim}); });
    }));
  }

  for (const cases::OpCase& c : registered("attention")) {
    if (c.dim(2) != c.dim(3) || c.flag("masked"))
      throw std::runtime_error("engine_ops: attention cases are unmasked self-attention");
    const Shape s{c.dim(0), c.dim(1), c.dim(2), c.dim(4)};
    auto qkv = [s] {
      Generator gen(8);
      return std::vector<Tensor>{randn(s, gen), randn(s, gen), randn(s, gen)};
    };
    auto attend = [](const std::vector<Tensor>& x) { return scaled_dot_product_attention(x[0], x[1], x[2]); };
    out.push_back(op_case("attention fwd " + shape_name(s), [=] { return forward_run(qkv(), attend); }));
    out.push_back(
        op_case("attention fwd+bwd " + shape_name(s), [=] { return backward_run(qkv(), s, attend); }));
  }

  // Embedding lookup (BERT vocabulary x hidden) and GIN-style message
  // aggregation (edge rows summed into node rows).
  for (const cases::OpCase& c : registered("index_select")) {
    const int64_t rows = c.dim(0), width = c.dim(1), count = c.dim(2);
    out.push_back(
        op_case("index_select " + shape_name({rows, width}) + " rows=" + std::to_string(count), [=] {
          Generator gen(9);
          std::vector<int64_t> ids(static_cast<size_t>(count));
          for (size_t i = 0; i < ids.size(); ++i)
            ids[i] = static_cast<int64_t>((i * 7919) % static_cast<size_t>(rows));
          return forward_run({randn({rows, width}, gen), Tensor::from_vector(ids, {count})},
                             [](const std::vector<Tensor>& x) { return index_select(x[0], x[1]); });
        }));
  }
  for (const cases::OpCase& c : registered("index_add")) {
    const int64_t sources = c.dim(0), rows = c.dim(1), width = c.dim(2);
    out.push_back(
        op_case("index_add " + shape_name({sources, width}) + " -> rows=" + std::to_string(rows), [=] {
          Generator gen(10);
          std::vector<int64_t> dst(static_cast<size_t>(sources));
          for (size_t i = 0; i < dst.size(); ++i)
            dst[i] = static_cast<int64_t>((i * 2654435761u) % static_cast<size_t>(rows));
          return forward_run({randn({sources, width}, gen), Tensor::from_vector(dst, {sources})},
                             [rows](const std::vector<Tensor>& x) { return scatter_add(x[0], x[1], rows); });
        }));
  }

  // A BERT feed-forward projection as the model calls it: x . W^T + b.
  for (const cases::OpCase& c : registered("linear")) {
    const int64_t rows = c.dim(0), in = c.dim(1), outs = c.dim(2);
    auto linear_inputs = [=] {
      Generator gen(11);
      return std::vector<Tensor>{randn({rows, in}, gen), randn({outs, in}, gen), randn({outs}, gen)};
    };
    auto lin = [](const std::vector<Tensor>& x) { return linear(x[0], x[1], x[2]); };
    const std::string name = shape_name({rows, in}) + "->" + std::to_string(outs);
    out.push_back(op_case("linear fwd " + name, [=] { return forward_run(linear_inputs(), lin); }));
    out.push_back(op_case("linear fwd+bwd " + name, [=] {
      return backward_run(linear_inputs(), {rows, outs}, lin);
    }));
  }
}

}  // namespace

std::vector<CaseSpec> engine_cases(bool quick) {
  std::vector<CaseSpec> out;
  // Square products, then the BERT-like layer's at 4096 tokens, hidden 384
  // (attention projections, feed-forward up and down): matmul [m x k]x[k x n].
  for (const cases::OpCase& c : cases::cases_for("gemm", quick ? cases::kSmoke : cases::kCpuBench)) {
    if (c.dim(0) != 1 || c.flag("trans_a") || c.flag("trans_b") || c.param("alpha") != 1.0 ||
        c.param("beta") != 0.0)
      throw std::runtime_error("engine_ops: gemm cases are plain single products");
    out.push_back(gemm_case(c.why, {c.dim(1), c.dim(3), c.dim(2)}));
  }
  if (!quick) add_op_cases(out);
  return out;
}

}  // namespace nlammr::bench
