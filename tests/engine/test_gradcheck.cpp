// A finite-difference gradient check for every op with a backward, on
// broadcast shapes, odd sizes and non-contiguous views.
#include <doctest/doctest.h>

#include "tests/engine/gradcheck.h"

using namespace nlammr;
using nlammr::testing::gradcheck;
using nlammr::testing::random_leaf;

namespace {
Tensor positive_leaf(const Shape& shape, Generator& gen) {
  return (abs(randn(shape, gen, DType::Float64)) + 0.5).detach().requires_grad_();
}
Tensor int_tensor(const std::vector<int64_t>& v) { return Tensor::from_vector(v, {static_cast<int64_t>(v.size())}); }
}  // namespace

TEST_CASE("gradcheck catches a wrong backward") {
  Generator gen(0);
  Tensor x = random_leaf({3, 2}, gen);
  // y = 2x whose recorded backward forgets the factor 2.
  auto wrong = [](auto& v) {
    Tensor y = Tensor::empty(v[0].shape(), DType::Float64);
    backend_for(Device::cpu()).unary(UnaryOp::Scale, v[0], y, 2.0);
    return record("WrongBackward", y, {v[0]}, [](const Tensor& g) -> std::vector<Tensor> { return {g}; });
  };
  CHECK(nlammr::testing::gradcheck_error({x}, wrong) > 0.1);
  gradcheck({x}, [](auto& v) { return v[0] * 2.0; });
}

TEST_CASE("gradcheck: broadcast binary ops") {
  Generator gen(1);
  Tensor a = random_leaf({3, 1, 4}, gen), b = random_leaf({5, 1}, gen);
  gradcheck({a, b}, [](auto& x) { return x[0] + x[1]; });
  gradcheck({a, b}, [](auto& x) { return x[0] - x[1]; });
  gradcheck({a, b}, [](auto& x) { return x[0] * x[1]; });
  Tensor p = positive_leaf({5, 1}, gen);
  gradcheck({a, p}, [](auto& x) { return x[0] / x[1]; });
  Tensor base = positive_leaf({3, 4}, gen), ex = random_leaf({4}, gen);
  gradcheck({base, ex}, [](auto& x) { return pow(x[0], x[1]); });
  gradcheck({a, b}, [](auto& x) { return maximum(x[0], x[1]); });
  gradcheck({a, b}, [](auto& x) { return minimum(x[0], x[1]); });
}

TEST_CASE("gradcheck: unary and scalar ops") {
  Generator gen(2);
  Tensor x = random_leaf({4, 5}, gen), p = positive_leaf({4, 5}, gen);
  gradcheck({x}, [](auto& v) { return neg(v[0]); });
  gradcheck({x}, [](auto& v) { return exp(v[0]); });
  gradcheck({p}, [](auto& v) { return log(v[0]); });
  gradcheck({p}, [](auto& v) { return sqrt(v[0]); });
  gradcheck({x}, [](auto& v) { return abs(v[0]); });
  gradcheck({x}, [](auto& v) { return relu(v[0]); });
  gradcheck({x}, [](auto& v) { return gelu(v[0], GeluApprox::Erf); });
  gradcheck({x}, [](auto& v) { return gelu(v[0], GeluApprox::Tanh); });
  gradcheck({x}, [](auto& v) { return tanh(v[0]); });
  gradcheck({x}, [](auto& v) { return sigmoid(v[0]); });
  gradcheck({x}, [](auto& v) { return v[0] * 2.5 + 1.0; });
  gradcheck({p}, [](auto& v) { return pow(v[0], 1.7); });
  gradcheck({x}, [](auto& v) { return 3.0 - v[0] / 4.0; });
}

TEST_CASE("gradcheck: reductions") {
  Generator gen(3);
  Tensor x = random_leaf({3, 4, 5}, gen);
  gradcheck({x}, [](auto& v) { return sum(v[0]); });
  gradcheck({x}, [](auto& v) { return sum(v[0], {0, 2}); });
  gradcheck({x}, [](auto& v) { return sum(v[0], {-1}, true); });
  gradcheck({x}, [](auto& v) { return mean(v[0], {1}); });
  gradcheck({x}, [](auto& v) { return mean(v[0]); });
  gradcheck({x}, [](auto& v) { return max(v[0], 1); });
  gradcheck({x}, [](auto& v) { return max(v[0], -1, true); });
  // Reductions of non-contiguous views.
  gradcheck({x}, [](auto& v) { return sum(v[0].transpose(0, 2), {1}); });
}

TEST_CASE("gradcheck: views and shape ops") {
  Generator gen(4);
  Tensor x = random_leaf({2, 3, 4}, gen), y = random_leaf({2, 5, 4}, gen);
  gradcheck({x}, [](auto& v) { return v[0].reshape({6, -1}); });
  gradcheck({x}, [](auto& v) { return v[0].permute({2, 0, 1}) * 1.0; });
  gradcheck({x}, [](auto& v) { return v[0].transpose(0, 2).reshape({-1}); });  // reshape of a view copies
  gradcheck({x}, [](auto& v) { return v[0].slice(2, 1, 3); });
  gradcheck({x}, [](auto& v) { return v[0].slice(1, -2, 3).unsqueeze(0).squeeze(0); });
  gradcheck({x}, [](auto& v) { return v[0].slice(0, 0, 1).expand({5, 3, 4}); });
  gradcheck({x, y}, [](auto& v) { return concat({v[0], v[1], v[0]}, 1); });
  gradcheck({y}, [](auto& v) {
    auto parts = split(v[0], {2, 3}, 1);
    return sum(parts[0], {1}) * sum(parts[1], {1});
  });
}

TEST_CASE("gradcheck: gathers, scatters and segments") {
  Generator gen(5);
  Tensor x = random_leaf({6, 3}, gen);
  Tensor idx = int_tensor({4, 0, 4, 5, 1});  // repeats accumulate in the backward
  gradcheck({x}, [idx](auto& v) { return index_select(v[0], idx); });
  gradcheck({x}, [](auto& v) {
    return embedding(v[0], Tensor::from_vector<int32_t>({1, 2, 2, 0, 5, 3}, {2, 3}));
  });
  gradcheck({x}, [](auto& v) { return scatter_add(v[0], int_tensor({2, 0, 2, 1, 2, 0}), 4); });
  Tensor off = int_tensor({0, 2, 2, 5, 6});  // an empty segment in the middle
  gradcheck({x}, [off](auto& v) { return segment_sum(v[0], off); });
  gradcheck({x}, [off](auto& v) { return segment_mean(v[0], off); });
  // A gather from a non-contiguous view.
  gradcheck({x}, [idx](auto& v) { return index_select(v[0].transpose(0, 1).slice(0, 0, 3).transpose(0, 1), idx); });
}

TEST_CASE("gradcheck: matmul and linear") {
  Generator gen(6);
  Tensor a = random_leaf({3, 4}, gen), b = random_leaf({4, 5}, gen);
  gradcheck({a, b}, [](auto& v) { return matmul(v[0], v[1]); });
  gradcheck({a, b}, [](auto& v) { return matmul(v[1].transpose(0, 1), v[0].transpose(0, 1)); });
  Tensor ba = random_leaf({2, 3, 4}, gen), bb = random_leaf({2, 4, 5}, gen);
  gradcheck({ba, bb}, [](auto& v) { return matmul(v[0], v[1]); });
  gradcheck({ba, b}, [](auto& v) { return matmul(v[0], v[1]); });         // shared weight
  Tensor bc = random_leaf({3, 1, 4, 2}, gen), bd = random_leaf({5, 2, 3}, gen);
  gradcheck({bc, bd}, [](auto& v) { return matmul(v[0], v[1]); });       // broadcast batch
  Tensor vec = random_leaf({4}, gen);
  gradcheck({a, vec}, [](auto& v) { return matmul(v[0], v[1]); });        // matrix · vector
  gradcheck({vec, b}, [](auto& v) { return matmul(v[0], v[1]); });        // vector · matrix
  Tensor w = random_leaf({5, 4}, gen), bias = random_leaf({5}, gen);
  gradcheck({ba, w, bias}, [](auto& v) { return linear(v[0], v[1], v[2]); });
  gradcheck({a, w}, [](auto& v) { return linear(v[0], v[1], Tensor()); });
}

TEST_CASE("gradcheck: softmax family with masks") {
  Generator gen(7);
  Tensor x = random_leaf({3, 6}, gen);
  Tensor mask = Tensor::from_vector<uint8_t>({1, 1, 0, 1, 0, 1,  //
                                              0, 0, 0, 0, 0, 0,  // fully masked row
                                              1, 1, 1, 1, 1, 1},
                                             {3, 6});
  gradcheck({x}, [](auto& v) { return softmax(v[0]); });
  gradcheck({x}, [](auto& v) { return log_softmax(v[0]); });
  gradcheck({x}, [mask](auto& v) { return softmax(v[0], -1, mask); });
  gradcheck({x}, [mask](auto& v) { return log_softmax(v[0], -1, mask); });
  gradcheck({x}, [](auto& v) { return softmax(v[0], 0); });
  Tensor col_mask = Tensor::from_vector<float>({1, 0, 1}, {3, 1});  // broadcast mask
  gradcheck({x}, [col_mask](auto& v) { return log_softmax(v[0], 0, col_mask); });
}

TEST_CASE("gradcheck: normalisation and dropout") {
  Generator gen(8);
  Tensor x = random_leaf({4, 7}, gen), w = random_leaf({7}, gen), b = random_leaf({7}, gen);
  gradcheck({x, w, b}, [](auto& v) { return layer_norm(v[0], v[1], v[2], 1e-5); });
  gradcheck({x}, [](auto& v) { return layer_norm(v[0].transpose(0, 1), Tensor(), Tensor(), 1e-3); });
  gradcheck({x, w, b}, [](auto& v) {
    return batch_norm(v[0], Tensor(), Tensor(), v[1], v[2], /*training=*/true);
  });
  gradcheck({x}, [](auto& v) {
    Generator g(99);  // the same mask on every evaluation
    return dropout(v[0], 0.3, true, g);
  });
}

TEST_CASE("gradcheck: fused attention across block boundaries") {
  Generator gen(9);
  // 70 queries and 67 keys cross the 64-row blocks of the CPU kernel.
  Tensor q = random_leaf({2, 1, 70, 4}, gen, 0.5), k = random_leaf({2, 1, 67, 4}, gen, 0.5);
  Tensor v = random_leaf({2, 1, 67, 4}, gen);
  std::vector<uint8_t> m(2 * 67, 1);
  for (int i = 60; i < 67; ++i) m[i] = 0;  // padding in batch 0
  Tensor mask = Tensor::from_vector(m, {2, 67});
  gradcheck({q, k, v}, [mask](auto& x) { return scaled_dot_product_attention(x[0], x[1], x[2], mask); }, 1e-6, 1e-5);
  // A batch whose keys are all padding: output and gradients are 0, never NaN.
  Tensor q1 = random_leaf({1, 1, 3, 4}, gen), k1 = random_leaf({1, 1, 5, 4}, gen), v1 = random_leaf({1, 1, 5, 4}, gen);
  Tensor none = Tensor::zeros({1, 5}, DType::UInt8);
  gradcheck({q1, k1, v1}, [none](auto& x) { return scaled_dot_product_attention(x[0], x[1], x[2], none); });
}

TEST_CASE("gradcheck: losses") {
  Generator gen(10);
  Tensor logits = random_leaf({4, 6}, gen);
  Tensor targets = rand_uniform({4, 6}, 0, 1, gen, DType::Float64);
  gradcheck({logits}, [targets](auto& v) { return bce_with_logits(v[0], targets); });
  Tensor ml = Tensor::from_vector<int64_t>({3, 0, -1, 0, 0, 0,  //
                                            5, 1, 2, 3, 4, 0,   //
                                            -1, 0, 0, 0, 0, 0,  // no targets
                                            2, 2, -1, 0, 0, 0},  // a repeated target
                                           {4, 6});
  gradcheck({logits}, [ml](auto& v) { return multilabel_margin_loss(sigmoid(v[0]), ml); });
  Tensor ce = Tensor::from_vector<int64_t>({1, -100, 5, 0}, {4});
  gradcheck({logits}, [ce](auto& v) { return cross_entropy(v[0], ce); });
  Tensor pos = Tensor::from_vector<uint8_t>({1, 0, 1, 0, 0, 0,  //
                                             0, 0, 0, 0, 0, 0,  // a row with no positive
                                             0, 1, 0, 0, 1, 1,  //
                                             0, 0, 0, 1, 0, 0},
                                            {4, 6});
  gradcheck({logits}, [pos](auto& v) { return contrastive_loss(v[0], pos, 0.1); });
}
