// Same seed, same bits: results must not depend on the number of threads.
#include <doctest/doctest.h>
#include <omp.h>

#include <cstring>
#include <functional>

#include "engine/engine.h"

using namespace nlammr;

namespace {

// One training step of a small model touching every parallel kernel.
std::vector<float> train_step(int threads) {
  omp_set_num_threads(threads);
  Generator gen(3);
  auto dgen = std::make_shared<Generator>(4);
  nn::MLP mlp({64, 96, 32}, nn::Activation::Gelu, 0.1, gen, dgen);
  nn::LayerNorm norm(32);
  Tensor x = randn({300, 64}, gen);
  Tensor q = randn({2, 4, 70, 16}, gen).requires_grad_();
  Tensor h = norm.forward(mlp.forward(x));
  Tensor att = scaled_dot_product_attention(q, q, q);
  Tensor idx = Tensor::from_vector<int64_t>(std::vector<int64_t>(600, 7), {600});
  Tensor scattered = scatter_add(concat({h, h}, 0), idx, 10);
  Tensor loss = sum(softmax(h, -1) * h) + mean(att) + sum(scattered) * 1e-3 + sum(h * h) * 1e-4;
  loss.backward();
  optim::Adam opt({{mlp.parameters(), 1e-3, 0.0}});
  opt.step();
  std::vector<float> out = mlp.parameters()[0].to_vector<float>();
  std::vector<float> gq = q.grad().to_vector<float>();
  out.insert(out.end(), gq.begin(), gq.end());
  out.push_back(loss.item<float>());
  return out;
}

}  // namespace

TEST_CASE("a training step gives identical bits on 1 and on several threads") {
  const int saved = omp_get_max_threads();
  std::vector<float> one = train_step(1);
  std::vector<float> many = train_step(4);
  std::vector<float> again = train_step(4);
  omp_set_num_threads(saved);
  CHECK(one == many);
  CHECK(many == again);
}

TEST_CASE("large sums are blocked deterministically") {
  const int saved = omp_get_max_threads();
  Generator gen(5);
  Tensor x = randn({1 << 20}, gen);
  omp_set_num_threads(1);
  const float a = sum(x).item<float>();
  omp_set_num_threads(3);
  const float b = sum(x).item<float>();
  omp_set_num_threads(saved);
  CHECK(a == b);
}

// The vectorised kernels run the same scalar formula in a loop's vector body
// and in its scalar tail; with sizes that are not multiples of the vector
// width, threads split the work at points that move elements between the two.
TEST_CASE("vectorised kernels give identical bits on 1 and on several threads at odd sizes") {
  auto run = [](int threads) {
    omp_set_num_threads(threads);
    Generator gen(11);
    Tensor x = randn({3 * 16384 + 5}, gen).requires_grad_();
    Tensor rows = randn({301, 45}, gen).requires_grad_();
    std::vector<float> keep(301 * 45);
    for (size_t i = 0; i < keep.size(); ++i) keep[i] = i < 45 ? 0.0f : static_cast<float>((i * 7) % 3 != 0);
    Tensor mask = Tensor::from_vector(keep, {301, 45});  // the first row fully masked
    Tensor w = randn({45}, gen).requires_grad_(), b = randn({45}, gen).requires_grad_();
    Tensor g = gelu(x);
    Tensor sm = softmax(rows, -1, mask) + log_softmax(rows, -1);
    Tensor ln = layer_norm(rows, w, b);
    Tensor loss = sum(g * g) + sum(sm * sm) + sum(ln * ln) + sum(sum(ln, {1}) * sum(ln, {1}));
    loss.backward();
    std::vector<float> out = g.to_vector<float>();
    for (const Tensor& t : {sm, ln, x.grad(), rows.grad(), w.grad(), b.grad()}) {
      std::vector<float> v = t.to_vector<float>();
      out.insert(out.end(), v.begin(), v.end());
    }
    return out;
  };
  const int saved = omp_get_max_threads();
  std::vector<float> one = run(1), three = run(3);
  omp_set_num_threads(saved);
  CHECK(one == three);
}

// The invariant behind the thread-count tests above, checked directly so that it holds
// on any CPU, whatever its vector width: an element's value must not depend on
// where it stands in a loop. A kernel run over a whole array puts most
// elements in the vector body; run over the array's tail from each offset,
// the same elements land in other lanes, in the scalar tail, or (for a single
// element) in scalar code only. Threads split loops at arbitrary points, so
// this is what makes results independent of the thread count. It fails, for
// example, when the compiler fuses a * b + c into an FMA in one path and not
// in the other (see -ffp-contract=off in the top-level CMakeLists.txt).
TEST_CASE("elementwise kernels give each element the same bits wherever it stands in the loop") {
  Generator gen(17);
  const int64_t n = 200;
  Tensor x = randn({n}, gen) * 3.0;
  Tensor gy = randn({n}, gen);
  struct Case {
    const char* name;
    std::function<Tensor(const Tensor&, const Tensor&)> op;
  };
  // Unary ops (with the backward of the GELU, whose derivative is the longest
  // formula), and broadcast-free binary ops.
  auto gelu_grad = [](const Tensor& a, const Tensor& g) {
    Tensor leaf = a.detach().requires_grad_();
    gelu(leaf).backward(g);
    return leaf.grad();
  };
  const std::vector<Case> cases = {
      {"gelu", [](const Tensor& a, const Tensor&) { return gelu(a); }},
      {"gelu tanh", [](const Tensor& a, const Tensor&) { return gelu(a, GeluApprox::Tanh); }},
      {"gelu backward", gelu_grad},
      {"exp", [](const Tensor& a, const Tensor&) { return exp(a); }},
      {"tanh", [](const Tensor& a, const Tensor&) { return tanh(a); }},
      {"sigmoid", [](const Tensor& a, const Tensor&) { return sigmoid(a); }},
      {"relu", [](const Tensor& a, const Tensor&) { return relu(a); }},
      {"scale and shift", [](const Tensor& a, const Tensor&) { return add(mul(a, 0.7), 0.3); }},
      {"a * b + a", [](const Tensor& a, const Tensor& b) { return add(mul(a, b), a); }},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    const std::vector<float> whole = c.op(x, gy).to_vector<float>();
    for (int64_t start = 1; start < 40; ++start) {
      CAPTURE(start);
      // Views into the same buffers, so the loop starts at element `start`.
      Tensor xs = slice(x, 0, start, n);
      Tensor gs = slice(gy, 0, start, n);
      const std::vector<float> part = c.op(xs, gs).to_vector<float>();
      bool same = true;
      for (int64_t i = start; i < n; ++i)
        same = same && std::memcmp(&whole[i], &part[i - start], sizeof(float)) == 0;
      CHECK(same);
    }
  }
}
