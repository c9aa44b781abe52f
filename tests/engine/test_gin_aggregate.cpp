// gin_aggregate: the fused GIN neighbourhood sum, checked against finite
// differences (float64) and against the same computation composed of
// existing ops: segment_sum(relu(index_select(x, src) + edge_emb), dst_offsets).
#include <doctest/doctest.h>

#include <stdexcept>

#include "tests/engine/gradcheck.h"

using namespace nlammr;
using nlammr::testing::gradcheck;
using nlammr::testing::random_leaf;

namespace {

Tensor ints(const std::vector<int64_t>& v) {
  return Tensor::from_vector(v, {static_cast<int64_t>(v.size())});
}

// 5 nodes, 8 edges sorted by destination; node 2 has no incoming edge, node 0
// sends along three edges, and one edge is a self-loop (4 -> 4).
const std::vector<int64_t> kSrc = {1, 3, 0, 0, 4, 2, 0, 4};
const std::vector<int64_t> kOffsets = {0, 2, 4, 4, 6, 8};

Tensor composed(const Tensor& x, const Tensor& edge, const Tensor& src, const Tensor& off) {
  return segment_sum(relu(index_select(x, src) + edge), off);
}

}  // namespace

TEST_CASE("gin_aggregate: gradients agree with finite differences") {
  Generator gen(1);
  Tensor x = random_leaf({5, 3}, gen), edge = random_leaf({8, 3}, gen);
  const Tensor src = ints(kSrc), off = ints(kOffsets);
  gradcheck({x, edge}, [src, off](auto& v) { return gin_aggregate(v[0], v[1], src, off); });
  // int32 indices, and a non-contiguous feature view.
  const Tensor src32 = src.to(DType::Int32), off32 = off.to(DType::Int32);
  Tensor xt = random_leaf({3, 5}, gen);
  gradcheck({xt, edge},
            [src32, off32](auto& v) { return gin_aggregate(v[0].transpose(0, 1), v[1], src32, off32); });
}

TEST_CASE("gin_aggregate equals the composition of gather, add, relu and segment sum") {
  Generator gen(2);
  for (DType dtype : {DType::Float32, DType::Float64}) {
    const Tensor x0 = randn({5, 4}, gen, dtype), e0 = randn({8, 4}, gen, dtype);
    const Tensor src = ints(kSrc), off = ints(kOffsets);
    Tensor x1 = x0.clone().requires_grad_(), e1 = e0.clone().requires_grad_();
    Tensor x2 = x0.clone().requires_grad_(), e2 = e0.clone().requires_grad_();
    const Tensor fused = gin_aggregate(x1, e1, src, off);
    const Tensor reference = composed(x2, e2, src, off);
    // The same additions in the same order: equal values, not merely close.
    CHECK(fused.to(DType::Float64).to_vector<double>() == reference.to(DType::Float64).to_vector<double>());
    const Tensor w = randn({5, 4}, gen, dtype);
    sum(fused * w).backward();
    sum(reference * w).backward();
    CHECK(x1.grad().to(DType::Float64).to_vector<double>() ==
          x2.grad().to(DType::Float64).to_vector<double>());
    CHECK(e1.grad().to(DType::Float64).to_vector<double>() ==
          e2.grad().to(DType::Float64).to_vector<double>());
  }
}

TEST_CASE("gin_aggregate: a node without incoming edges gets zeros; an empty graph works") {
  Generator gen(3);
  const Tensor x = randn({5, 2}, gen), edge = randn({8, 2}, gen);
  const std::vector<float> out = gin_aggregate(x, edge, ints(kSrc), ints(kOffsets)).to_vector<float>();
  CHECK(out[2 * 2] == 0.0f);
  CHECK(out[2 * 2 + 1] == 0.0f);
  const Tensor none =
      gin_aggregate(x, Tensor::zeros({0, 2}), Tensor::zeros({0}, DType::Int64), ints({0, 0, 0}));
  CHECK(none.shape() == Shape{2, 2});
  CHECK(sum(abs(none)).item<float>() == 0.0f);
}

TEST_CASE("gin_aggregate: bad graphs and shapes are clear errors") {
  const Tensor x = Tensor::zeros({5, 3}), edge = Tensor::zeros({8, 3});
  CHECK_THROWS_WITH_AS(gin_aggregate(x, edge, ints({1, 3, 0, 0, 9, 2, 0, 4}), ints(kOffsets)),
                       "gin_aggregate source: index 9 out of range [0, 5)", std::runtime_error);
  CHECK_THROWS_WITH_AS(gin_aggregate(x, edge, ints(kSrc), ints({0, 2, 4, 4, 6, 7})),
                       "gin_aggregate: offsets must run from 0 to 8, got 0 .. 7", std::runtime_error);
  CHECK_THROWS_WITH_AS(gin_aggregate(x, edge, ints(kSrc), ints({0, 5, 4, 4, 6, 8})),
                       "gin_aggregate: offsets decrease at segment 1", std::runtime_error);
  CHECK_THROWS_WITH_AS(gin_aggregate(x, Tensor::zeros({8, 2}), ints(kSrc), ints(kOffsets)),
                       "gin_aggregate: edge embeddings must be [E, 3], got [8, 2]", std::runtime_error);
  CHECK_THROWS_WITH_AS(gin_aggregate(x, edge, ints({1, 2}), ints(kOffsets)),
                       "gin_aggregate: src has shape [2], expected [8]", std::runtime_error);
  CHECK_THROWS_AS(gin_aggregate(x, edge.to(DType::Float64), ints(kSrc), ints(kOffsets)), std::runtime_error);
}
