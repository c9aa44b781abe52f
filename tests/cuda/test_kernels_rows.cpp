// Reductions, GEMM, softmax and layer norm: CUDA against the CPU reference
// on shapes that take every launch path (one thread per column, one block
// per row, two-stage chunked sums, warp- and block-per-row softmax).
#include "tests/cuda/cuda_test_support.h"
#ifdef NLAMMR_WITH_CUDA
#include "kernels/cuda/cuda_backend.h"
#endif

using namespace nlammr;
using namespace nlammr::testing;

namespace {

struct ReduceShape {
  int64_t outer, n, inner;
};
ReduceShape reduce_shape(const cases::OpCase& c) { return {c.dim(0), c.dim(1), c.dim(2)}; }

struct GemmCase {
  int64_t batch, m, n, k;
  bool ta, tb, shared_b;
  double alpha, beta;
};
GemmCase gemm_case(const cases::OpCase& c) {
  return {c.dim(0),          c.dim(1),           c.dim(2),         c.dim(3),       c.flag("trans_a"),
          c.flag("trans_b"), c.flag("shared_b"), c.param("alpha"), c.param("beta")};
}

}  // namespace

// Shapes, dtypes and tolerances: tests/cases/kernel_cases.h.
TEST_CASE("sum over the middle axis matches the CPU on every launch path") {
  NLAMMR_REQUIRE_CUDA();
  for (DType dtype : cases::family("sum").dtypes) {
    const Tolerance tol = tolerance_of("sum", dtype);
    Generator gen(10);
    for (const cases::OpCase& c : cases::cases_for("sum", cases::kTest)) {
      const ReduceShape s = reduce_shape(c);
      const Tensor x = uniform({s.outer, s.n, s.inner}, dtype, gen);
      OutputPair out = poisoned_pair({s.outer, s.inner}, dtype);
      cpu_kernels().reduce(ReduceOp::Sum, x, s.outer, s.n, s.inner, out.cpu, Tensor());
      gpu_kernels().reduce(ReduceOp::Sum, on_gpu(x), s.outer, s.n, s.inner, out.gpu, Tensor());
      check_close(out.gpu, out.cpu, tol, "sum " + shape_str(x.shape()) + " " + dtype_name(dtype));
      // The same bits on a second run.
      OutputPair again = poisoned_pair({s.outer, s.inner}, dtype);
      gpu_kernels().reduce(ReduceOp::Sum, on_gpu(x), s.outer, s.n, s.inner, again.gpu, Tensor());
      check_identical(again.gpu, on_cpu(out.gpu), "sum repeated " + shape_str(x.shape()));
    }
  }
}

TEST_CASE("max returns the CPU's values and first indices, with ties and NaN") {
  NLAMMR_REQUIRE_CUDA();
  REQUIRE(cases::family("max").bit_exact);
  for (DType dtype : cases::family("max").dtypes) {
    Generator gen(11);
    for (const cases::OpCase& c : cases::cases_for("max", cases::kTest)) {
      const ReduceShape s = reduce_shape(c);
      // Rounded values make ties common; one slice gets a NaN, another two.
      Tensor x = (uniform({s.outer, s.n, s.inner}, dtype, gen, -4.0, 4.0) * 2.0).detach();
      std::vector<double> v = x.to(DType::Float64).to_vector<double>();
      for (double& e : v) e = std::round(e);
      if (v.size() > 10) v[v.size() / 2] = NAN, v[v.size() / 3] = NAN, v[v.size() / 3 + 1] = NAN;
      x = Tensor::from_vector(v, x.shape()).to(dtype);
      OutputPair out = poisoned_pair({s.outer, s.inner}, dtype);
      OutputPair idx = poisoned_pair({s.outer, s.inner}, DType::Int64);
      cpu_kernels().reduce(ReduceOp::Max, x, s.outer, s.n, s.inner, out.cpu, idx.cpu);
      gpu_kernels().reduce(ReduceOp::Max, on_gpu(x), s.outer, s.n, s.inner, out.gpu, idx.gpu);
      const std::string name = "max " + shape_str(x.shape()) + " " + dtype_name(dtype);
      check_identical(out.gpu, out.cpu, name);
      check_identical(idx.gpu, idx.cpu, name + " argmax");
      // Backward: the gradient goes to the argmax.
      const Tensor gy = uniform({s.outer, s.inner}, dtype, gen);
      OutputPair gx = poisoned_pair(x.shape(), dtype);
      cpu_kernels().scatter_argmax(gy, idx.cpu, s.outer, s.n, s.inner, gx.cpu);
      gpu_kernels().scatter_argmax(on_gpu(gy), idx.gpu, s.outer, s.n, s.inner, gx.gpu);
      check_identical(gx.gpu, gx.cpu, name + " backward");
    }
  }
}

TEST_CASE("gemm through cuBLAS: transposes, shared operands, alpha/beta and batches") {
  NLAMMR_REQUIRE_CUDA();
  for (DType dtype : cases::family("gemm").dtypes) {
    const Tolerance tol = tolerance_of("gemm", dtype);
    Generator gen(12);
    for (const cases::OpCase& registered : cases::cases_for("gemm", cases::kTest)) {
      const GemmCase c = gemm_case(registered);
      GemmDesc d;
      d.batch = c.batch, d.m = c.m, d.n = c.n, d.k = c.k, d.trans_a = c.ta, d.trans_b = c.tb;
      d.stride_a = c.m * c.k, d.stride_b = c.shared_b ? 0 : c.k * c.n, d.stride_c = c.m * c.n;
      d.alpha = c.alpha, d.beta = c.beta;
      const Tensor a = uniform({c.batch, c.ta ? c.k : c.m, c.ta ? c.m : c.k}, dtype, gen);
      const Tensor b = uniform({c.shared_b ? 1 : c.batch, c.tb ? c.n : c.k, c.tb ? c.k : c.n}, dtype, gen);
      // With beta = 0 the output is poisoned (it must not be read); otherwise it holds values.
      const Tensor c0 = c.beta == 0.0 ? poisoned({c.batch, c.m, c.n}, dtype, Device::cpu())
                                      : uniform({c.batch, c.m, c.n}, dtype, gen);
      Tensor out_cpu = c0.clone(), out_gpu = on_gpu(c0);
      cpu_kernels().gemm(d, a, b, out_cpu);
      gpu_kernels().gemm(d, on_gpu(a), on_gpu(b), out_gpu);
      check_close(out_gpu, out_cpu, tol,
                  "gemm batch " + std::to_string(c.batch) + " m " + std::to_string(c.m) + " n " +
                      std::to_string(c.n) + " k " + std::to_string(c.k) + (c.ta ? " A^T" : "") +
                      (c.tb ? " B^T" : "") + " " + dtype_name(dtype));
    }
  }
}

#ifdef NLAMMR_WITH_CUDA
TEST_CASE("TF32 is off by default and, when switched on, stays within TF32 accuracy") {
  NLAMMR_REQUIRE_REAL_CUDA();
  const bool saved = cuda::tf32_enabled();
  Generator gen(13);
  const Tensor a = uniform({64, 256}, DType::Float32, gen), b = uniform({256, 64}, DType::Float32, gen);
  const Tensor expected = matmul(a.to(DType::Float64), b.to(DType::Float64));
  cuda::set_tf32(false);
  const Tensor strict = matmul(on_gpu(a), on_gpu(b));
  check_close(strict, expected, {1e-4, 1e-4}, "strict float32 matmul");
  cuda::set_tf32(true);
  const Tensor fast = matmul(on_gpu(a), on_gpu(b));
  cuda::set_tf32(saved);
  // TF32 keeps 10 mantissa bits of each input: relative errors near 1e-3.
  check_close(fast, expected, {2e-2, 5e-2}, "tf32 matmul");
}
#endif

TEST_CASE("softmax and log-softmax with masks match the CPU, warp- and block-per-row") {
  NLAMMR_REQUIRE_CUDA();
  for (DType dtype : cases::family("softmax").dtypes) {
    const Tolerance tol = tolerance_of("softmax", dtype);
    Generator gen(14);
    for (const cases::OpCase& c : cases::cases_for("softmax", cases::kTest)) {
      const int64_t rows = c.dim(0), n = c.dim(1);
      const Tensor x = uniform({rows, n}, dtype, gen, -5.0, 5.0);
      // A random mask with row 0 fully masked.
      std::vector<uint8_t> m(static_cast<size_t>(rows * n));
      for (size_t i = 0; i < m.size(); ++i)
        m[i] = i < static_cast<size_t>(n) ? 0 : (gen.uniform() < 0.7 ? 1 : 0);
      const Tensor mask = Tensor::from_vector(m, {rows, n});
      for (bool log : {false, true}) {
        for (bool masked : {false, true}) {
          const std::string name = std::string(log ? "log_softmax " : "softmax ") + shape_str(x.shape()) +
                                   " " + dtype_name(dtype) + (masked ? " masked" : "");
          const Tensor mc = masked ? mask : Tensor(), mg = masked ? on_gpu(mask) : Tensor();
          OutputPair y = poisoned_pair(x.shape(), dtype);
          cpu_kernels().softmax_forward(x, mc, y.cpu, log);
          gpu_kernels().softmax_forward(on_gpu(x), mg, y.gpu, log);
          check_close(y.gpu, y.cpu, tol, name);
          const Tensor gy = uniform(x.shape(), dtype, gen);
          OutputPair gx = poisoned_pair(x.shape(), dtype);
          cpu_kernels().softmax_backward(y.cpu, gy, mc, gx.cpu, log);
          gpu_kernels().softmax_backward(on_gpu(y.cpu), on_gpu(gy), mg, gx.gpu, log);
          check_close(gx.gpu, gx.cpu, tol, name + " backward");
        }
      }
    }
  }
}

TEST_CASE("layer norm forward and backward match the CPU, with and without parameters") {
  NLAMMR_REQUIRE_CUDA();
  for (DType dtype : cases::family("layer_norm").dtypes) {
    const Tolerance tol = tolerance_of("layer_norm", dtype);
    Generator gen(15);
    for (const cases::OpCase& c : cases::cases_for("layer_norm", cases::kTest)) {
      const int64_t rows = c.dim(0), n = c.dim(1);
      // An offset mean makes the two-pass variance matter.
      const Tensor x = uniform({rows, n}, dtype, gen, 2.0, 6.0);
      const Tensor w = uniform({n}, dtype, gen), b = uniform({n}, dtype, gen);
      for (bool affine : {true, false}) {
        const std::string name = "layer_norm " + shape_str(x.shape()) + " " + dtype_name(dtype) +
                                 (affine ? "" : " without weight/bias");
        const Tensor wc = affine ? w : Tensor(), bc = affine ? b : Tensor();
        const Tensor wg = affine ? on_gpu(w) : Tensor(), bg = affine ? on_gpu(b) : Tensor();
        OutputPair y = poisoned_pair(x.shape(), dtype), mean = poisoned_pair({rows}, dtype),
                   rstd = poisoned_pair({rows}, dtype);
        cpu_kernels().layernorm_forward(x, wc, bc, 1e-5, y.cpu, mean.cpu, rstd.cpu);
        gpu_kernels().layernorm_forward(on_gpu(x), wg, bg, 1e-5, y.gpu, mean.gpu, rstd.gpu);
        check_close(y.gpu, y.cpu, tol, name);
        check_close(mean.gpu, mean.cpu, tol, name + " mean");
        check_close(rstd.gpu, rstd.cpu, tol, name + " rstd");
        const Tensor gy = uniform(x.shape(), dtype, gen);
        OutputPair gx = poisoned_pair(x.shape(), dtype), gw = poisoned_pair({n}, dtype),
                   gb = poisoned_pair({n}, dtype);
        cpu_kernels().layernorm_backward(x, wc, mean.cpu, rstd.cpu, gy, gx.cpu, gw.cpu, gb.cpu);
        gpu_kernels().layernorm_backward(on_gpu(x), wg, on_gpu(mean.cpu), on_gpu(rstd.cpu), on_gpu(gy),
                                         gx.gpu, gw.gpu, gb.gpu);
        check_close(gx.gpu, gx.cpu, tol, name + " gx");
        // Column sums over up to 1000 rows.
        const Tolerance sum_tol = tolerance_for(dtype, {1e-5, 1e-4}, {1e-11, 1e-10});
        check_close(gw.gpu, gw.cpu, sum_tol, name + " gweight");
        check_close(gb.gpu, gb.cpu, sum_tol, name + " gbias");
      }
    }
  }
}
