// The engine's ops end to end on the GPU: inputs moved with x.to(cuda), the
// forward and the autograd backward on the device, compared with the same
// computation on the CPU. Then a small model trained for a few steps on both.
#include "tests/cuda/cuda_test_support.h"
#ifdef NLAMMR_WITH_CUDA
#include "kernels/cuda/cuda_backend.h"
#endif

using namespace nlammr;
using namespace nlammr::testing;

namespace {

const Tolerance kF32{2e-5, 2e-5};
const Tolerance kF64{1e-11, 1e-12};

Tensor ints(const std::vector<int64_t>& v) {
  return Tensor::from_vector(v, {static_cast<int64_t>(v.size())});
}

}  // namespace

TEST_CASE("elementwise ops, broadcasting and views on the GPU") {
  NLAMMR_REQUIRE_CUDA();
  for (DType dtype : {DType::Float32, DType::Float64}) {
    const Tolerance tol = tolerance_for(dtype, kF32, kF64);
    Generator gen(60);
    const Tensor a = uniform({4, 1, 6}, dtype, gen, 0.5, 2.0), b = uniform({5, 1}, dtype, gen, 0.5, 2.0);
    check_op_on_gpu(
        {a, b}, [](auto& x) { return x[0] * x[1] + x[0] / x[1] - pow(x[0], x[1]); }, tol, "arithmetic");
    check_op_on_gpu(
        {a, b}, [](auto& x) { return maximum(x[0], x[1]) + minimum(x[0] * 2.0, x[1]); }, tol, "max/min");
    check_op_on_gpu(
        {a},
        [](auto& x) {
          return gelu(x[0]) + gelu(x[0], GeluApprox::Tanh) + tanh(x[0]) + sigmoid(x[0]) + relu(x[0] - 1.0) +
                 exp(x[0]) + log(x[0]) + sqrt(x[0]) + abs(x[0] - 1.2) + pow(x[0], 1.5);
        },
        tol, "unary chain");
    const Tensor m = uniform({6, 8}, dtype, gen);
    check_op_on_gpu(
        {m},
        [](auto& x) {
          Tensor t = x[0].transpose(0, 1);               // non-contiguous
          Tensor s = x[0].slice(1, 2, 7).reshape({-1});  // a copy through reshape of a slice
          return sum(t * t) + sum(s) + sum(concat({x[0], x[0] * 3.0}, 0).slice(0, 3, 9));
        },
        tol, "views, concat, slices");
  }
}

TEST_CASE("reductions, matmul and linear on the GPU") {
  NLAMMR_REQUIRE_CUDA();
  for (DType dtype : {DType::Float32, DType::Float64}) {
    const Tolerance tol = tolerance_for(dtype, {1e-4, 1e-4}, kF64);
    Generator gen(61);
    const Tensor x = uniform({3, 40, 5}, dtype, gen);
    check_op_on_gpu(
        {x}, [](auto& v) { return sum(v[0], {1}) + mean(v[0], {1}) + max(v[0], 1); }, tol, "reductions");
    check_op_on_gpu(
        {x},
        [](auto& v) {
          return sum(v[0], {0, 2}, true);
        },
        tol, "sum over outer dims");
    const Tensor a = uniform({2, 3, 17, 29}, dtype, gen), b = uniform({3, 29, 11}, dtype, gen);
    check_op_on_gpu(
        {a, b}, [](auto& v) { return matmul(v[0], v[1]); }, tol, "broadcast batched matmul");
    check_op_on_gpu(
        {a, b}, [](auto& v) { return matmul(v[0], v[1].slice(0, 1, 2).squeeze(0)); }, tol,
        "matmul with a shared weight");
    check_op_on_gpu(
        {a, b}, [](auto& v) { return matmul(v[1].transpose(-1, -2), v[0].transpose(-1, -2)); }, tol,
        "matmul of transposed views");
    const Tensor in = uniform({7, 9, 33}, dtype, gen), w = uniform({21, 33}, dtype, gen),
                 bias = uniform({21}, dtype, gen);
    check_op_on_gpu(
        {in, w, bias}, [](auto& v) { return linear(v[0], v[1], v[2]); }, tol, "linear");
  }
}

TEST_CASE("softmax, layer norm, attention and dropout on the GPU") {
  NLAMMR_REQUIRE_CUDA();
  for (DType dtype : {DType::Float32, DType::Float64}) {
    const Tolerance tol = tolerance_for(dtype, {1e-4, 1e-5}, kF64);
    Generator gen(62);
    const Tensor x = uniform({4, 6, 9}, dtype, gen);
    const Tensor mask = Tensor::from_vector<uint8_t>({1, 1, 0, 1, 0, 1, 1, 1, 1}, {9});
    check_op_on_gpu(
        {x},
        [mask](auto& v) {
          const Tensor m = mask.to(v[0].device());
          return softmax(v[0], -1, m) + log_softmax(v[0], 1) * 0.5;
        },
        tol, "softmax / log_softmax");
    const Tensor w = uniform({9}, dtype, gen), b = uniform({9}, dtype, gen);
    check_op_on_gpu(
        {x, w, b}, [](auto& v) { return layer_norm(v[0], v[1], v[2]); }, tol, "layer_norm");
    const Tensor q = uniform({2, 3, 20, 32}, dtype, gen), k = uniform({2, 3, 25, 32}, dtype, gen),
                 vv = uniform({2, 3, 25, 32}, dtype, gen);
    std::vector<uint8_t> keep(50, 1);
    for (size_t i = 20; i < 25; ++i) keep[i] = 0;  // batch 0: the last five keys are padding
    const Tensor pad = Tensor::from_vector(keep, {2, 25});
    check_op_on_gpu(
        {q, k, vv},
        [pad](auto& v) { return scaled_dot_product_attention(v[0], v[1], v[2], pad.to(v[0].device())); }, tol,
        "attention");
    // Dropout draws the same mask on both devices from equal generators.
    check_op_on_gpu(
        {x},
        [](auto& v) {
          Generator g(5);
          return dropout(v[0], 0.3, true, g);
        },
        tol, "dropout");
  }
}

TEST_CASE("indexing, segments, GIN aggregation and losses on the GPU") {
  NLAMMR_REQUIRE_CUDA();
  for (DType dtype : {DType::Float32, DType::Float64}) {
    const Tolerance tol = tolerance_for(dtype, {1e-5, 1e-5}, kF64);
    Generator gen(63);
    const Tensor table = uniform({10, 4}, dtype, gen);
    const Tensor ids = ints({3, 3, 0, 9, 4, 3});
    check_op_on_gpu(
        {table},
        [ids](auto& v) {
          const Tensor i = ids.to(v[0].device());
          return sum(embedding(v[0], i.reshape({2, 3})), {0}) +
                 scatter_add(index_select(v[0], i), i, 10).slice(0, 0, 3);
        },
        tol, "embedding, index_select, scatter_add");
    const Tensor rows = uniform({9, 5}, dtype, gen);
    const Tensor offsets = ints({0, 2, 2, 6, 9});
    check_op_on_gpu(
        {rows},
        [offsets](auto& v) {
          const Tensor o = offsets.to(v[0].device());
          return segment_sum(v[0], o) + segment_mean(v[0], o);
        },
        tol, "segment_sum / segment_mean");
    const Tensor nodes = uniform({6, 5}, dtype, gen), edges = uniform({8, 5}, dtype, gen);
    const Tensor src = ints({1, 2, 0, 5, 5, 3, 4, 0}), dst = ints({0, 1, 3, 3, 6, 8, 8});
    check_op_on_gpu(
        {nodes, edges},
        [src, dst](auto& v) {
          return gin_aggregate(v[0], v[1], src.to(v[0].device()), dst.to(v[0].device()));
        },
        tol, "gin_aggregate");
    const Tensor logits = uniform({6, 5}, dtype, gen), targets = uniform({6, 5}, dtype, gen, 0.0, 1.0);
    const Tensor classes = ints({0, 4, -100, 2, 2, 1});
    const Tensor labels = Tensor::from_vector<int64_t>(
        {1, 3, -1, 0, 0, 2, 0, 0, 0, 0, 4, -1, 0, 0, 0, 1, 2, 3, 4, 0, -1, 0, 0, 0, 0, 3, -1, 0, 0, 0},
        {6, 5});
    const Tensor pos =
        Tensor::from_vector<uint8_t>(std::vector<uint8_t>{1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0,
                                                          0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0},
                                     {6, 5});
    check_op_on_gpu(
        {logits},
        [targets, classes, labels, pos](auto& v) {
          const Device dev = v[0].device();
          return bce_with_logits(v[0], targets.to(dev)) + cross_entropy(v[0], classes.to(dev)) +
                 multilabel_margin_loss(v[0], labels.to(dev)) + contrastive_loss(v[0], pos.to(dev), 0.1);
        },
        tol, "losses");
  }
}

TEST_CASE("a small MLP trains the same on the GPU as on the CPU") {
  NLAMMR_REQUIRE_CUDA();
  auto train = [](Device device) {
    Generator gen(70);
    auto dropout_gen = std::make_shared<Generator>(71);
    nn::MLP mlp({16, 32, 32, 5}, nn::Activation::Gelu, 0.1, gen, dropout_gen);
    nn::LayerNorm norm(5);
    mlp.to(device);
    norm.to(device);
    std::vector<Tensor> params = mlp.parameters();
    for (const Tensor& p : norm.parameters()) params.push_back(p);
    optim::Adam opt({{params, 1e-2, 0.01}}, 0.9, 0.999, 1e-8, /*decoupled=*/true);
    Generator data(72);
    const Tensor x = randn({64, 16}, data).to(device);
    std::vector<int64_t> y(64);
    for (int64_t i = 0; i < 64; ++i) y[i] = i % 5;
    const Tensor target = Tensor::from_vector(y, {64}).to(device);
    std::vector<float> losses;
    for (int step = 0; step < 5; ++step) {
      opt.zero_grad();
      Tensor loss = cross_entropy(norm.forward(mlp.forward(x)), target);
      loss.backward();
      opt.step();
      losses.push_back(loss.item<float>());
    }
    std::vector<Tensor> final_params;
    for (const Tensor& p : params) final_params.push_back(p.detach().to(Device::cpu()));
    return std::make_pair(losses, final_params);
  };
  const auto [cpu_losses, cpu_params] = train(Device::cpu());
  const auto [gpu_losses, gpu_params] = train(gpu_device());
  REQUIRE(cpu_losses.size() == gpu_losses.size());
  for (size_t i = 0; i < cpu_losses.size(); ++i)
    CHECK(gpu_losses[i] == doctest::Approx(cpu_losses[i]).epsilon(1e-4));
  CHECK(gpu_losses.back() < gpu_losses.front());
  for (size_t i = 0; i < cpu_params.size(); ++i)
    check_close(gpu_params[i], cpu_params[i], {1e-3, 1e-4},
                "parameter " + std::to_string(i) + " after 5 steps");
}

TEST_CASE("a training step on the GPU gives the same bits twice") {
  NLAMMR_REQUIRE_CUDA();
  auto step = [] {
    Generator gen(80);
    const Tensor x = randn({2, 4, 33, 32}, gen).to(gpu_device()).requires_grad_();
    const Tensor w = randn({32, 32}, gen).to(gpu_device()).requires_grad_();
    const Tensor ids = Tensor::from_vector<int64_t>({5, 1, 5, 5, 0, 2}, {6}).to(gpu_device());
    Tensor h = layer_norm(matmul(x, w), Tensor(), Tensor());
    Tensor att = scaled_dot_product_attention(h, h, h);
    Tensor loss = sum(att * att) + sum(scatter_add(index_select(w, ids), ids, 8)) + sum(softmax(h, -1) * h);
    loss.backward();
    std::vector<float> out = x.grad().to_vector<float>();
    const std::vector<float> gw = w.grad().to_vector<float>();
    out.insert(out.end(), gw.begin(), gw.end());
    out.push_back(loss.item<float>());
    return out;
  };
  CHECK(step() == step());
}

#ifdef NLAMMR_WITH_CUDA
TEST_CASE("the caching allocator reuses device memory and reports the peak") {
  NLAMMR_REQUIRE_REAL_CUDA();
  cuda::synchronize();
  cuda::reset_peak_memory();
  const cuda::MemoryStats before = cuda::memory_stats();
  {
    Tensor a = Tensor::zeros({1 << 20}, DType::Float32, gpu_device());  // 4 MiB
    const cuda::MemoryStats during = cuda::memory_stats();
    CHECK(during.in_use_bytes >= before.in_use_bytes + (size_t{4} << 20));
    CHECK(during.peak_in_use_bytes >= during.in_use_bytes);
  }
  const cuda::MemoryStats after = cuda::memory_stats();
  CHECK(after.in_use_bytes == before.in_use_bytes);
  CHECK(after.cached_bytes >= (size_t{4} << 20));
  Tensor again = Tensor::zeros({1 << 20}, DType::Float32, gpu_device());  // served from the cache
  CHECK(cuda::memory_stats().reuses > after.reuses);
  again = Tensor();
  cuda::empty_cache();
  CHECK(cuda::memory_stats().cached_bytes == 0);
}
#endif
