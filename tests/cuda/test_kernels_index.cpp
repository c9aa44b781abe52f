// Row gathers and scatters, CSR segments, GIN message passing, dropout masks
// and optimizer steps: CUDA against the CPU. The gathers, segment sums and
// index_add add the same terms in the same order on both devices, so their
// float results must be identical to the bit, as must the dropout masks.
#include "tests/cuda/cuda_test_support.h"

using namespace nlammr;
using namespace nlammr::testing;

namespace {

Tensor random_indices(int64_t count, int64_t limit, DType dtype, Generator& gen) {
  std::vector<int64_t> v(static_cast<size_t>(count));
  for (int64_t& i : v) i = static_cast<int64_t>(gen.uniform() * static_cast<double>(limit));
  return Tensor::from_vector(v, {count}).to(dtype);
}

// CSR offsets for `segments` segments over `rows` rows, some of them empty.
Tensor random_offsets(int64_t segments, int64_t rows, DType dtype, Generator& gen) {
  std::vector<int64_t> cuts(static_cast<size_t>(segments - 1));
  for (int64_t& c : cuts) c = static_cast<int64_t>(gen.uniform() * static_cast<double>(rows + 1));
  std::sort(cuts.begin(), cuts.end());
  std::vector<int64_t> off{0};
  off.insert(off.end(), cuts.begin(), cuts.end());
  off.push_back(rows);
  return Tensor::from_vector(off, {segments + 1}).to(dtype);
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("index_select gathers the same rows, for float and integer data, int32 and int64 indices") {
  NLAMMR_REQUIRE_CUDA();
  REQUIRE(cases::family("index_select").bit_exact);
  Generator gen(20);
  for (const cases::OpCase& c : cases::cases_for("index_select", cases::kTest)) {
    // [rows, row shape..., count]
    const int64_t rows = c.dims.front(), count = c.dims.back();
    Shape table_shape(c.dims.begin(), c.dims.end() - 1), out_shape = table_shape;
    out_shape[0] = count;
    for (DType index_dtype : {DType::Int32, DType::Int64}) {
      for (DType dtype : cases::dtypes_of(c)) {
        const Tensor x = uniform(table_shape, DType::Float64, gen, 0.0, 100.0).to(dtype);
        const Tensor idx = random_indices(count, rows, index_dtype, gen);
        OutputPair y = poisoned_pair(out_shape, dtype);
        cpu_kernels().index_select_rows(x, idx, y.cpu);
        gpu_kernels().index_select_rows(on_gpu(x), on_gpu(idx), y.gpu);
        check_identical(y.gpu, y.cpu,
                        std::string("index_select ") + dtype_name(dtype) + " by " + dtype_name(index_dtype));
      }
    }
  }
}

TEST_CASE("index_add adds in the CPU's order: identical bits, duplicates included") {
  NLAMMR_REQUIRE_CUDA();
  REQUIRE(cases::family("index_add").bit_exact);
  Generator gen(21);
  for (DType index_dtype : {DType::Int32, DType::Int64}) {
    for (DType dtype : cases::family("index_add").dtypes) {
      for (const cases::OpCase& c : cases::cases_for("index_add", cases::kTest)) {
        const int64_t m = c.dim(0), rows = c.dim(1), width = c.dim(2);  // m > rows: duplicates
        const Tensor src = uniform({m, width}, dtype, gen);
        const Tensor idx = random_indices(m, rows, index_dtype, gen);
        const Tensor out0 = uniform({rows, width}, dtype, gen);  // accumulates onto existing values
        Tensor out_cpu = out0.clone(), out_gpu = on_gpu(out0);
        cpu_kernels().index_add_rows(src, idx, out_cpu);
        gpu_kernels().index_add_rows(on_gpu(src), on_gpu(idx), out_gpu);
        check_identical(out_gpu, out_cpu, "index_add " + shape_str({rows, width}) + " " + dtype_name(dtype));
      }
    }
  }
}

TEST_CASE("segment sums and their expansion are identical to the CPU's, empty segments included") {
  NLAMMR_REQUIRE_CUDA();
  REQUIRE(cases::family("segment_sum").bit_exact);
  Generator gen(22);
  for (DType index_dtype : {DType::Int32, DType::Int64}) {
    for (DType dtype : cases::family("segment_sum").dtypes) {
      for (const cases::OpCase& c : cases::cases_for("segment_sum", cases::kTest)) {
        const int64_t segments = c.dim(0), rows = c.dim(1), width = c.dim(2);
        const Tensor x = uniform({rows, width}, dtype, gen);
        const Tensor off = random_offsets(segments, rows, index_dtype, gen);
        const std::string name =
            "segment_sum " + shape_str({segments, rows, width}) + " " + dtype_name(dtype);
        OutputPair y = poisoned_pair({segments, width}, dtype);
        cpu_kernels().segment_sum_rows(x, off, y.cpu);
        gpu_kernels().segment_sum_rows(on_gpu(x), on_gpu(off), y.gpu);
        check_identical(y.gpu, y.cpu, name);
        const Tensor gy = uniform({segments, width}, dtype, gen);
        OutputPair gx = poisoned_pair({rows, width}, dtype);
        cpu_kernels().segment_expand_rows(gy, off, gx.cpu);
        gpu_kernels().segment_expand_rows(on_gpu(gy), on_gpu(off), gx.gpu);
        check_identical(gx.gpu, gx.cpu, name + " backward");
      }
    }
  }
}

TEST_CASE("GIN message passing: forward and backward identical to the CPU's") {
  NLAMMR_REQUIRE_CUDA();
  REQUIRE(cases::family("gin_message").bit_exact);
  Generator gen(23);
  for (DType dtype : cases::family("gin_message").dtypes) {
    for (const cases::OpCase& c : cases::cases_for("gin_message", cases::kTest)) {
      const int64_t nodes = c.dim(0), edges = c.dim(1), width = c.dim(2);
      const Tensor x = uniform({nodes, width}, dtype, gen);
      const Tensor edge = uniform({edges, width}, dtype, gen);
      const Tensor src = random_indices(edges, nodes, DType::Int64, gen);
      const Tensor off = random_offsets(nodes, edges, DType::Int32, gen);  // mixed index dtypes
      const std::string name = "gin " + shape_str({nodes, edges, width}) + " " + dtype_name(dtype);
      OutputPair out = poisoned_pair({nodes, width}, dtype);
      cpu_kernels().gin_message_forward(x, edge, src, off, out.cpu);
      gpu_kernels().gin_message_forward(on_gpu(x), on_gpu(edge), on_gpu(src), on_gpu(off), out.gpu);
      check_identical(out.gpu, out.cpu, name);
      const Tensor gout = uniform({nodes, width}, dtype, gen);
      OutputPair gx = poisoned_pair({nodes, width}, dtype), gedge = poisoned_pair({edges, width}, dtype);
      cpu_kernels().gin_message_backward(x, edge, src, off, gout, gx.cpu, gedge.cpu);
      gpu_kernels().gin_message_backward(on_gpu(x), on_gpu(edge), on_gpu(src), on_gpu(off), on_gpu(gout),
                                         gx.gpu, gedge.gpu);
      check_identical(gedge.gpu, gedge.cpu, name + " edge gradient");
      check_identical(gx.gpu, gx.cpu, name + " node gradient");
    }
  }
}

TEST_CASE("bad indices and offsets give the CPU's error messages") {
  NLAMMR_REQUIRE_CUDA();
  const Tensor x = Tensor::zeros({4, 3});
  const Tensor bad = Tensor::from_vector<int64_t>({0, 3, 7, -1, 9}, {5});
  auto both = [&](const std::function<void(Backend&, Device)>& f) {
    const std::string c = error_of([&] { f(cpu_kernels(), Device::cpu()); });
    const std::string g = error_of([&] { f(gpu_kernels(), gpu_device()); });
    CHECK(c != "(no error)");
    CHECK(g == c);
  };
  both([&](Backend& be, Device dev) {
    be.index_select_rows(x.to(dev), bad.to(dev), Tensor::empty({5, 3}, DType::Float32, dev));
  });
  both([&](Backend& be, Device dev) {
    be.index_add_rows(Tensor::zeros({5, 3}, DType::Float32, dev), bad.to(dev),
                      Tensor::zeros({4, 3}, DType::Float32, dev));
  });
  const Tensor not_from_zero = Tensor::from_vector<int64_t>({1, 2, 4}, {3});
  const Tensor decreasing = Tensor::from_vector<int32_t>({0, 3, 2, 4}, {4});
  both([&](Backend& be, Device dev) {
    be.segment_sum_rows(x.to(dev), not_from_zero.to(dev), Tensor::empty({2, 3}, DType::Float32, dev));
  });
  both([&](Backend& be, Device dev) {
    be.segment_sum_rows(x.to(dev), decreasing.to(dev), Tensor::empty({3, 3}, DType::Float32, dev));
  });
  both([&](Backend& be, Device dev) {
    be.segment_expand_rows(Tensor::zeros({3, 3}, DType::Float32, dev), decreasing.to(dev),
                           Tensor::empty({4, 3}, DType::Float32, dev));
  });
  both([&](Backend& be, Device dev) {
    const Tensor off = Tensor::from_vector<int64_t>({0, 2, 5}, {3}).to(dev);
    be.gin_message_forward(x.to(dev), Tensor::zeros({5, 3}, DType::Float32, dev), bad.to(dev), off,
                           Tensor::empty({2, 3}, DType::Float32, dev));
  });
}

TEST_CASE("dropout masks are identical to the CPU's for any offset") {
  NLAMMR_REQUIRE_CUDA();
  REQUIRE(cases::family("dropout").bit_exact);
  for (DType dtype : cases::family("dropout").dtypes) {
    for (const cases::OpCase& c : cases::cases_for("dropout", cases::kTest)) {
      const double p = c.param("p");
      for (uint64_t offset : {uint64_t{0}, uint64_t{12345}, (uint64_t{1} << 33) + 7}) {
        OutputPair mask = poisoned_pair(Shape(c.dims), dtype);
        cpu_kernels().dropout_mask(mask.cpu, p, 77, offset);
        gpu_kernels().dropout_mask(mask.gpu, p, 77, offset);
        check_identical(mask.gpu, mask.cpu,
                        "dropout p " + std::to_string(p) + " offset " + std::to_string(offset));
      }
    }
  }
}

TEST_CASE("Adam, AdamW and SGD steps match the CPU") {
  NLAMMR_REQUIRE_CUDA();
  for (const cases::OpCase& c : cases::cases_for("optimizer", cases::kTest)) {
    for (DType dtype : cases::dtypes_of(c)) {
      const Tolerance tol = tolerance_of("optimizer", dtype);
      Generator gen(24);
      const Shape shape(c.dims);
      const Tensor p0 = uniform(shape, dtype, gen), g = uniform(shape, dtype, gen);
      const Tensor m0 = uniform(shape, dtype, gen, -0.1, 0.1), v0 = uniform(shape, dtype, gen, 0.0, 0.1);
      for (bool decoupled : {false, true}) {
        AdamStepDesc d;
        d.lr = 1e-2, d.weight_decay = 0.1, d.step = 3, d.decoupled = decoupled;
        Tensor pc = p0.clone(), mc = m0.clone(), vc = v0.clone();
        Tensor pg = on_gpu(p0), mg = on_gpu(m0), vg = on_gpu(v0);
        cpu_kernels().adam_step(pc, g, mc, vc, d);
        gpu_kernels().adam_step(pg, on_gpu(g), mg, vg, d);
        const std::string name = std::string(decoupled ? "adamw " : "adam ") + dtype_name(dtype);
        check_close(pg, pc, tol, name + " param");
        check_close(mg, mc, tol, name + " m");
        check_close(vg, vc, tol, name + " v");
      }
      for (bool nesterov : {false, true}) {
        for (bool first : {true, false}) {
          SgdStepDesc d;
          d.lr = 0.1, d.momentum = 0.9, d.dampening = 0.1, d.weight_decay = 0.01, d.nesterov = nesterov;
          d.first_step = first;
          Tensor pc = p0.clone(), bc = m0.clone(), pg = on_gpu(p0), bg = on_gpu(m0);
          cpu_kernels().sgd_step(pc, g, bc, d);
          gpu_kernels().sgd_step(pg, on_gpu(g), bg, d);
          check_close(pg, pc, tol, std::string("sgd param ") + dtype_name(dtype));
          check_close(bg, bc, tol, std::string("sgd momentum ") + dtype_name(dtype));
        }
      }
      SgdStepDesc plain;
      Tensor pc = p0.clone(), pg = on_gpu(p0);
      cpu_kernels().sgd_step(pc, g, Tensor(), plain);
      gpu_kernels().sgd_step(pg, on_gpu(g), Tensor(), plain);
      check_close(pg, pc, tol, "sgd without momentum");
    }
  }
}
