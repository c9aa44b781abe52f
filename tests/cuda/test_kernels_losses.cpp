// Fused losses on CUDA against the CPU: the scalar loss and the gradient.
#include "tests/cuda/cuda_test_support.h"

using namespace nlammr;
using namespace nlammr::testing;

namespace {

// loss + gradient on both devices, compared.
void compare_loss(const std::string& op, const std::string& name, DType dtype, const Shape& grad_shape,
                  const std::function<void(Backend&, Device, const Tensor&, const Tensor&)>& run,
                  bool identical_gradient = false) {
  const Tolerance tol = tolerance_of(op, dtype);
  OutputPair loss = poisoned_pair({}, dtype), grad = poisoned_pair(grad_shape, dtype);
  run(cpu_kernels(), Device::cpu(), loss.cpu, grad.cpu);
  run(gpu_kernels(), gpu_device(), loss.gpu, grad.gpu);
  check_close(loss.gpu, loss.cpu, tol, name + " loss");
  if (identical_gradient)
    check_identical(grad.gpu, grad.cpu, name + " gradient");
  else
    check_close(grad.gpu, grad.cpu, tol, name + " gradient");
  // Without a gradient, and a second time: the same bits.
  OutputPair again = poisoned_pair({}, dtype);
  run(gpu_kernels(), gpu_device(), again.gpu, Tensor());
  check_identical(again.gpu, on_cpu(loss.gpu), name + " loss repeated");
}

}  // namespace

TEST_CASE("bce_with_logits matches the CPU") {
  NLAMMR_REQUIRE_CUDA();
  for (DType dtype : cases::family("bce_with_logits").dtypes) {
    Generator gen(30);
    for (const cases::OpCase& c : cases::cases_for("bce_with_logits", cases::kTest)) {
      const Shape shape(c.dims);
      const Tensor x = uniform(shape, dtype, gen, -8.0, 8.0);
      const Tensor t = uniform(shape, dtype, gen, 0.0, 1.0);
      compare_loss("bce_with_logits", "bce " + shape_str(shape) + " " + dtype_name(dtype), dtype, shape,
                   [&](Backend& be, Device dev, const Tensor& loss, const Tensor& grad) {
                     be.bce_with_logits(x.to(dev), t.to(dev), loss, grad);
                   });
    }
  }
}

TEST_CASE("multilabel margin loss matches the CPU, with duplicate targets and early ends") {
  NLAMMR_REQUIRE_CUDA();
  for (DType dtype : cases::family("multilabel_margin").dtypes) {
    Generator gen(31);
    for (const cases::OpCase& c : cases::cases_for("multilabel_margin", cases::kTest)) {
      const int64_t rows = c.dim(0), classes = c.dim(1);
      const Tensor x = uniform({rows, classes}, dtype, gen);
      // Each row lists a few classes (possibly twice), then -1, then junk that must be ignored.
      std::vector<int64_t> t(static_cast<size_t>(rows * classes), -1);
      for (int64_t r = 0; r < rows; ++r) {
        const int64_t count = std::min<int64_t>(classes, r % 6);
        for (int64_t j = 0; j < count; ++j)
          t[r * classes + j] = static_cast<int64_t>(gen.uniform() * classes);
        if (count + 2 < classes) t[r * classes + count + 1] = classes + 5;  // after the -1: not read
      }
      const Tensor target = Tensor::from_vector(t, {rows, classes});
      compare_loss(
          "multilabel_margin", "multilabel_margin " + shape_str(x.shape()) + " " + dtype_name(dtype), dtype,
          x.shape(),
          [&](Backend& be, Device dev, const Tensor& loss, const Tensor& grad) {
            be.multilabel_margin(x.to(dev), target.to(dev), loss, grad);
          },
          /*identical_gradient=*/true);
    }
    // A 1-D input is one sample.
    const Tensor x1 = uniform({6}, dtype, gen);
    const Tensor t1 = Tensor::from_vector<int64_t>({2, 4, -1, 0, 0, 0}, {6});
    compare_loss("multilabel_margin", "multilabel_margin 1-d", dtype, {6},
                 [&](Backend& be, Device dev, const Tensor& loss, const Tensor& grad) {
                   be.multilabel_margin(x1.to(dev), t1.to(dev), loss, grad);
                 });
  }
}

TEST_CASE("cross entropy matches the CPU, with ignored rows") {
  NLAMMR_REQUIRE_CUDA();
  for (DType dtype : cases::family("cross_entropy").dtypes) {
    Generator gen(32);
    for (const cases::OpCase& c : cases::cases_for("cross_entropy", cases::kTest)) {
      const int64_t rows = c.dim(0), classes = c.dim(1);
      const Tensor x = uniform({rows, classes}, dtype, gen, -6.0, 6.0);
      std::vector<int64_t> t(static_cast<size_t>(rows));
      for (int64_t r = 0; r < rows; ++r)
        t[r] = r % 4 == 3 ? -100 : static_cast<int64_t>(gen.uniform() * classes);
      const Tensor target = Tensor::from_vector(t, {rows});
      compare_loss("cross_entropy", "cross_entropy " + shape_str(x.shape()) + " " + dtype_name(dtype), dtype,
                   x.shape(), [&](Backend& be, Device dev, const Tensor& loss, const Tensor& grad) {
                     be.cross_entropy(x.to(dev), target.to(dev), -100, loss, grad);
                   });
    }
    // Every row ignored: the loss is 0.
    const Tensor x = uniform({3, 4}, dtype, gen);
    const Tensor none = Tensor::from_vector<int64_t>({-100, -100, -100}, {3});
    compare_loss("cross_entropy", "cross_entropy all ignored", dtype, {3, 4},
                 [&](Backend& be, Device dev, const Tensor& l, const Tensor& g) {
                   be.cross_entropy(x.to(dev), none.to(dev), -100, l, g);
                 });
  }
}

TEST_CASE("contrastive loss matches the CPU, square and rectangular, lines without positives") {
  NLAMMR_REQUIRE_CUDA();
  for (DType dtype : cases::family("contrastive").dtypes) {
    Generator gen(33);
    for (const cases::OpCase& c : cases::cases_for("contrastive", cases::kTest)) {
      const int64_t rows = c.dim(0), cols = c.dim(1);
      const Tensor sim = uniform({rows, cols}, dtype, gen, -1.0, 1.0);
      std::vector<uint8_t> pos(static_cast<size_t>(rows * cols), 0);
      for (int64_t i = 0; i < rows; ++i) {
        if (i % 5 == 4) continue;  // a row without positives
        pos[i * cols + i % cols] = 1;
        if (gen.uniform() < 0.5) pos[i * cols + (i * 7 + 3) % cols] = 1;
      }
      const Tensor positives = Tensor::from_vector(pos, {rows, cols});
      compare_loss("contrastive", "contrastive " + shape_str(sim.shape()) + " " + dtype_name(dtype), dtype,
                   sim.shape(), [&](Backend& be, Device dev, const Tensor& loss, const Tensor& grad) {
                     be.contrastive(sim.to(dev), positives.to(dev), 0.07, loss, grad);
                   });
    }
  }
}

TEST_CASE("bad loss targets give the CPU's error messages") {
  NLAMMR_REQUIRE_CUDA();
  const Tensor x = Tensor::zeros({2, 3});
  for (Device dev : {Device::cpu(), gpu_device()}) {
    Backend& be = backend_for(dev);
    Tensor loss = Tensor::empty({}, DType::Float32, dev);
    CHECK_THROWS_WITH_AS(
        be.cross_entropy(x.to(dev), Tensor::from_vector<int64_t>({1, 3}, {2}).to(dev), -100, loss, Tensor()),
        "cross_entropy target: index 3 out of range [0, 3)", std::runtime_error);
    CHECK_THROWS_WITH_AS(
        be.multilabel_margin(x.to(dev), Tensor::from_vector<int64_t>({0, -1, 9, 1, 4, -1}, {2, 3}).to(dev),
                             loss, Tensor()),
        "multilabel_margin_loss target: index 4 out of range [0, 3)", std::runtime_error);
  }
}
