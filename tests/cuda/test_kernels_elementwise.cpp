// copy, fill, unary and binary kernels: CUDA against the CPU reference on
// packed tensors, transposed and broadcast views, and views into larger
// outputs (whose untouched elements must keep their NaN poison).
#include "tests/cuda/cuda_test_support.h"

using namespace nlammr;
using namespace nlammr::testing;

namespace {

// Values that exercise rounding, saturation and special cases of every dtype.
Tensor mixed_values(const Shape& shape, Generator& gen) {
  Tensor t = uniform(shape, DType::Float64, gen, -400.0, 400.0);
  std::vector<double> v = t.to_vector<double>();
  const double specials[] = {0.0,   -0.0,    0.5,    1.5, 2.5,      -2.5,     1e10,
                             -1e10, 65520.0, 3.0e-8, NAN, INFINITY, -INFINITY};
  for (size_t i = 0; i < v.size() && i < std::size(specials); ++i) v[i * 3 % v.size()] = specials[i];
  return Tensor::from_vector(v, shape);
}

}  // namespace

TEST_CASE("copy converts between every pair of dtypes exactly as the CPU does") {
  NLAMMR_REQUIRE_CUDA();
  REQUIRE(cases::family("copy").bit_exact);
  for (const cases::OpCase& c : cases::cases_for("copy", cases::kTest)) {
    const int64_t rows = c.dim(0), cols = c.dim(1);
    Generator gen(1);
    const Tensor values = mixed_values({rows, cols}, gen);
    for (DType from : cases::dtypes_of(c)) {
      const Tensor src = values.to(from);  // the CPU's conversion defines the source
      for (DType to : cases::dtypes_of(c)) {
        // A transposed source into a slice of a larger, poisoned destination.
        OutputPair big = poisoned_pair({cols, rows + 2}, to);
        cpu_kernels().copy(src.transpose(0, 1), big.cpu.slice(1, 1, rows + 1));
        gpu_kernels().copy(on_gpu(src).transpose(0, 1), big.gpu.slice(1, 1, rows + 1));
        check_identical(big.gpu, big.cpu, std::string("copy ") + dtype_name(from) + " -> " + dtype_name(to));
        // Packed to packed.
        OutputPair packed = poisoned_pair({rows, cols}, to);
        cpu_kernels().copy(src, packed.cpu);
        gpu_kernels().copy(on_gpu(src), packed.gpu);
        check_identical(packed.gpu, packed.cpu,
                        std::string("packed copy ") + dtype_name(from) + " -> " + dtype_name(to));
      }
    }
  }
}

TEST_CASE("copy of broadcast (stride-0) views and of scalars") {
  NLAMMR_REQUIRE_CUDA();
  Generator gen(2);
  const Tensor row = uniform({1, 5}, DType::Float32, gen);
  OutputPair out = poisoned_pair({4, 5}, DType::Float32);
  cpu_kernels().copy(row.expand({4, 5}), out.cpu);
  gpu_kernels().copy(on_gpu(row).expand({4, 5}), out.gpu);
  check_identical(out.gpu, out.cpu, "broadcast row copy");
  const Tensor s = Tensor::scalar(2.5, DType::Float64);
  OutputPair so = poisoned_pair({}, DType::Float32);
  cpu_kernels().copy(s, so.cpu);
  gpu_kernels().copy(on_gpu(s), so.gpu);
  check_identical(so.gpu, so.cpu, "scalar copy with conversion");
}

TEST_CASE("fill writes the CPU's bit pattern for every dtype") {
  NLAMMR_REQUIRE_CUDA();
  REQUIRE(cases::family("fill").bit_exact);
  for (DType dtype : cases::family("fill").dtypes) {
    for (const cases::OpCase& c : cases::cases_for("fill", cases::kTest)) {
      const double value = c.param("value");
      OutputPair out = poisoned_pair(Shape(c.dims), dtype);
      cpu_kernels().fill(out.cpu, value);
      gpu_kernels().fill(out.gpu, value);
      check_identical(out.gpu, out.cpu,
                      std::string("fill ") + dtype_name(dtype) + " " + std::to_string(value));
    }
  }
}

TEST_CASE("unary ops and their derivatives match the CPU on packed and transposed inputs") {
  NLAMMR_REQUIRE_CUDA();
  const UnaryOp ops[] = {UnaryOp::Neg,      UnaryOp::Exp,     UnaryOp::Log,     UnaryOp::Sqrt,
                         UnaryOp::Abs,      UnaryOp::Relu,    UnaryOp::GeluErf, UnaryOp::GeluTanh,
                         UnaryOp::Tanh,     UnaryOp::Sigmoid, UnaryOp::Scale,   UnaryOp::AddScalar,
                         UnaryOp::PowScalar};
  // Device libm differs from the host's by a few ulps.
  for (const cases::OpCase& c : cases::cases_for("unary", cases::kTest)) {
    for (DType dtype : cases::dtypes_of(c)) {
      const Tolerance tol = tolerance_of("unary", dtype);
      Generator gen(3);
      for (UnaryOp op : ops) {
        const bool positive_only = op == UnaryOp::Log || op == UnaryOp::Sqrt || op == UnaryOp::PowScalar;
        const double alpha = op == UnaryOp::PowScalar ? 1.7 : (op == UnaryOp::Scale ? -2.5 : 0.75);
        const Tensor x = uniform(Shape(c.dims), dtype, gen, positive_only ? 0.1 : -3.0, 3.0);
        const std::string name = std::string(unary_op_name(op)) + " " + dtype_name(dtype);
        for (bool transposed : {false, true}) {
          const Tensor xc = transposed ? x.transpose(0, 1) : x;
          const Tensor xg = transposed ? on_gpu(x).transpose(0, 1) : on_gpu(x);
          OutputPair y = poisoned_pair(xc.shape(), dtype);
          cpu_kernels().unary(op, xc, y.cpu, alpha);
          gpu_kernels().unary(op, xg, y.gpu, alpha);
          check_close(y.gpu, y.cpu, tol, name + (transposed ? " (transposed input)" : ""));
        }
        // Backward on packed tensors, from the CPU's forward output.
        Tensor y = Tensor::empty(x.shape(), dtype);
        cpu_kernels().unary(op, x, y, alpha);
        const Tensor gy = uniform(x.shape(), dtype, gen);
        OutputPair gx = poisoned_pair(x.shape(), dtype);
        cpu_kernels().unary_backward(op, x, y, gy, gx.cpu, alpha);
        gpu_kernels().unary_backward(op, on_gpu(x), on_gpu(y), on_gpu(gy), gx.gpu, alpha);
        check_close(gx.gpu, gx.cpu, tol, name + " backward");
      }
    }
  }
}

TEST_CASE("unary ops may run in place") {
  NLAMMR_REQUIRE_CUDA();
  Generator gen(4);
  const Tensor x = uniform({1000}, DType::Float32, gen);
  Tensor c = x.clone(), g = on_gpu(x);
  cpu_kernels().unary(UnaryOp::Relu, c, c, 0.0);
  gpu_kernels().unary(UnaryOp::Relu, g, g, 0.0);
  check_identical(g, c, "in-place relu");
}

TEST_CASE("binary ops broadcast like the CPU, including in-place accumulation") {
  NLAMMR_REQUIRE_CUDA();
  const BinaryOp ops[] = {BinaryOp::Add, BinaryOp::Sub,     BinaryOp::Mul,     BinaryOp::Div,
                          BinaryOp::Pow, BinaryOp::Maximum, BinaryOp::Minimum, BinaryOp::GreaterEqual};
  for (const cases::OpCase& c : cases::cases_for("binary", cases::kTest)) {
    for (DType dtype : cases::dtypes_of(c)) {
      const Tolerance tol = tolerance_of("binary", dtype);
      Generator gen(5);
      for (BinaryOp op : ops) {
        const std::string name = std::string(binary_op_name(op)) + " " + dtype_name(dtype);
        const Shape shape(c.dims);
        REQUIRE(shape.size() == 3);
        // a: [d0, 1, d2] broadcast along dim 1; b: a transposed [d2, d1] view broadcast along dim 0.
        const Tensor a = uniform({shape[0], 1, shape[2]}, dtype, gen, 0.5, 2.0);
        const Tensor b_base = uniform({shape[2], shape[1]}, dtype, gen, 0.5, 2.0);
        const Tensor a_cpu = a.expand(shape), b_cpu = b_base.transpose(0, 1).unsqueeze(0).expand(shape);
        const Tensor a_gpu = on_gpu(a).expand(shape),
                     b_gpu = on_gpu(b_base).transpose(0, 1).unsqueeze(0).expand(shape);
        OutputPair out = poisoned_pair(shape, dtype);
        cpu_kernels().binary(op, a_cpu, b_cpu, out.cpu);
        gpu_kernels().binary(op, a_gpu, b_gpu, out.gpu);
        check_close(out.gpu, out.cpu, tol, name + " (broadcast views)");
        // Ties for maximum/minimum/greater_equal.
        const Tensor t = uniform({50}, dtype, gen);
        OutputPair same = poisoned_pair({50}, dtype);
        cpu_kernels().binary(op, t, t, same.cpu);
        gpu_kernels().binary(op, on_gpu(t), on_gpu(t), same.gpu);
        check_close(same.gpu, same.cpu, tol, name + " (equal operands)");
      }
      // out aliasing a: acc += b.
      const Tensor acc = uniform({7, 11}, dtype, gen), b = uniform({7, 11}, dtype, gen);
      Tensor acc_cpu = acc.clone(), acc_gpu = on_gpu(acc);
      cpu_kernels().binary(BinaryOp::Add, acc_cpu, b, acc_cpu);
      gpu_kernels().binary(BinaryOp::Add, acc_gpu, on_gpu(b), acc_gpu);
      check_identical(acc_gpu, acc_cpu, std::string("in-place add ") + dtype_name(dtype));
    }
  }
}
