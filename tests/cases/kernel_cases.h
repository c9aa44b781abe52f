// The one list of kernel cases. Every shape at which a kernel is checked or
// timed is written here once, with what it exercises and how its results are
// compared; three harnesses read it:
//   - tests/cuda (CPU reference against the CUDA backend, on a GPU or on the
//     CUDA simulator in CI: `ctest -L cuda-sim`) runs the cases marked kTest;
//   - bench/cuda (GPU kernels against the measured peaks and the vendor
//     libraries) runs those marked kGpuBench;
//   - bench/engine_ops (the engine's CPU ops against Eigen and PyTorch) runs
//     those marked kCpuBench, and of them only the kSmoke ones with --quick;
//   - bench/cuda/sim_metrics.cpp (memory-access metrics of the CUDA kernels
//     in the simulator, docs/kernels.md) runs those marked kSimMetrics.
// docs/kernels.md has one row per family: its CPU reference, its CUDA
// kernel, these cases and its benchmark.
//
// It lives beside the tests because the tests define what a case means (the
// tolerance, the bit-exact flag); the benchmarks reuse the shapes. It is a
// header of plain data so that the CUDA benchmarks (nvcc) and the tests
// (C++) include it without a library between them.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/dtype.h"

namespace nlammr::cases {

// Who runs a case (a bit set).
enum Use : unsigned {
  kTest = 1u,         // tests/cuda: CPU against CUDA (and the simulator)
  kGpuBench = 2u,     // bench/cuda
  kCpuBench = 4u,     // bench/engine_ops
  kSmoke = 8u,        // bench/engine_ops --quick as well
  kSimMetrics = 16u,  // bench/cuda/sim_metrics.cpp: memory-access metrics in the CUDA simulator
};

struct Tolerance {
  double rtol, atol;
};

// A family: one backend kernel (or a forward/backward pair) and how its CUDA
// results are compared with the CPU's.
struct Family {
  const char* op;
  const char* dims;           // what OpCase::dims means for this family
  std::vector<DType> dtypes;  // the dtypes the tests run (a case may narrow them)
  bool bit_exact;             // compared bit for bit (both devices add in the same order)
  Tolerance f32, f64;         // otherwise |gpu - cpu| <= atol + rtol |cpu|, per dtype
  const char* cpu_reference;  // the CPU kernel's source
  const char* cuda_kernel;    // the CUDA kernel's source
};

struct OpCase {
  const char* op;
  std::vector<int64_t> dims;
  const char* why;  // the launch path or edge case this shape takes
  unsigned use = kTest;
  std::vector<std::pair<const char*, double>> params = {};  // op-specific settings, by name
  std::vector<DType> dtypes = {};                           // empty: the family's

  int64_t dim(size_t i) const {
    if (i >= dims.size())
      throw std::out_of_range(std::string(op) + " case '" + why + "' has no dimension " + std::to_string(i));
    return dims[i];
  }
  double param(std::string_view name) const {
    for (const auto& [key, value] : params)
      if (name == key) return value;
    throw std::out_of_range(std::string(op) + " case '" + why + "' has no parameter " + std::string(name));
  }
  bool flag(std::string_view name) const { return param(name) != 0.0; }
};

inline const std::vector<DType>& float_dtypes() {
  static const std::vector<DType> d{DType::Float32, DType::Float64};
  return d;
}

inline const std::vector<DType>& all_dtypes() {
  static const std::vector<DType> d{DType::Float32, DType::Float64, DType::Float16, DType::BFloat16,
                                    DType::Int32,   DType::Int64,   DType::UInt8,   DType::Bool};
  return d;
}

// Tolerance pairs used by several families: {float32, float64}.
inline constexpr Tolerance kLibmF32{4e-6, 1e-6}, kLibmF64{1e-13, 1e-14};  // device libm vs host libm
inline constexpr Tolerance kExact{0.0, 0.0};

// One family per entry, its fields in declaration order.
// clang-format off
inline const std::vector<Family>& families() {
  static const std::vector<Family> f = {
      {"copy", "[rows, cols] of the source, converted between every pair of dtypes", all_dtypes(), true,
       kExact, kExact, "kernels/cpu/copy_fill.cpp", "kernels/cuda/copy_fill.cu"},
      {"fill", "[rows, cols]; param value", all_dtypes(), true, kExact, kExact, "kernels/cpu/copy_fill.cpp",
       "kernels/cuda/copy_fill.cu"},
      {"unary", "the input's shape (every UnaryOp, forward and backward)", float_dtypes(), false, kLibmF32,
       kLibmF64, "kernels/cpu/elementwise.cpp", "kernels/cuda/elementwise.cu"},
      {"gelu", "the input's shape", float_dtypes(), false, kLibmF32, kLibmF64, "kernels/cpu/elementwise.cpp",
       "kernels/cuda/elementwise.cu"},
      {"binary", "the output's shape (every BinaryOp, on broadcast views)", float_dtypes(), false, kLibmF32,
       kLibmF64, "kernels/cpu/elementwise.cpp", "kernels/cuda/elementwise.cu"},
      {"add", "the output's shape; param broadcast (the second operand one row)", float_dtypes(), false,
       kLibmF32, kLibmF64, "kernels/cpu/elementwise.cpp", "kernels/cuda/elementwise.cu"},
      // Both accumulate in double; only the order of additions differs.
      {"sum", "[outer, n, inner], summed over n", float_dtypes(), false, {1e-6, 1e-5}, {1e-12, 1e-10},
       "kernels/cpu/reduce.cpp", "kernels/cuda/reduce.cu"},
      {"max", "[outer, n, inner], max and first argmax over n, and the argmax scatter", float_dtypes(), true,
       kExact, kExact, "kernels/cpu/reduce.cpp", "kernels/cuda/reduce.cu"},
      {"gemm", "[batch, m, n, k]; params trans_a, trans_b, shared_b, alpha, beta", float_dtypes(), false,
       {1e-4, 1e-4}, {1e-12, 1e-12}, "kernels/cpu/gemm.cpp", "kernels/cuda/gemm.cu"},
      {"linear", "[rows, in, out] (x . W^T + b)", float_dtypes(), false, {1e-4, 1e-4}, {1e-12, 1e-12},
       "kernels/cpu/gemm.cpp", "kernels/cuda/gemm.cu"},
      {"softmax", "[rows, n] (softmax and log-softmax, with and without a mask)", float_dtypes(), false,
       {1e-5, 1e-6}, {1e-12, 1e-14}, "kernels/cpu/softmax.cpp", "kernels/cuda/softmax.cu"},
      {"layer_norm", "[rows, n] (with and without weight and bias)", float_dtypes(), false, {1e-5, 1e-5},
       {1e-11, 1e-12}, "kernels/cpu/layernorm.cpp", "kernels/cuda/layernorm.cu"},
      {"attention", "[batch, heads, sq, sk, d]; param masked", float_dtypes(), false, {1e-4, 2e-5},
       {1e-10, 1e-12}, "kernels/cpu/attention.cpp", "kernels/cuda/attention.cu"},
      {"index_select", "[rows, row shape..., count]",
       {DType::Float32, DType::Float64, DType::Int64, DType::UInt8}, true, kExact, kExact,
       "kernels/cpu/index.cpp", "kernels/cuda/index.cu"},
      {"index_add", "[sources, rows, width]", float_dtypes(), true, kExact, kExact, "kernels/cpu/index.cpp",
       "kernels/cuda/index.cu"},
      {"segment_sum", "[segments, rows, width] (and its expansion backward)", float_dtypes(), true, kExact,
       kExact, "kernels/cpu/index.cpp", "kernels/cuda/index.cu"},
      {"gin_message", "[nodes, edges, width], forward and backward", float_dtypes(), true, kExact, kExact,
       "kernels/cpu/message_passing.cpp", "kernels/cuda/message_passing.cu"},
      {"dropout", "the mask's shape; param p", float_dtypes(), true, kExact, kExact,
       "kernels/cpu/random_optim.cpp", "kernels/cuda/random_optim.cu"},
      // Both compute in double; fused multiply-adds on the GPU may move the last bit.
      {"optimizer", "[parameters] (Adam, AdamW, SGD variants)", float_dtypes(), false, {1e-6, 1e-9},
       {1e-14, 1e-16}, "kernels/cpu/random_optim.cpp", "kernels/cuda/random_optim.cu"},
      {"bce_with_logits", "the logits' shape", float_dtypes(), false, {1e-5, 1e-6}, {1e-12, 1e-14},
       "kernels/cpu/losses.cpp", "kernels/cuda/losses.cu"},
      // The loss within tolerance, the gradient bit for bit.
      {"multilabel_margin", "[rows, classes]", float_dtypes(), false, {1e-5, 1e-6}, {1e-12, 1e-14},
       "kernels/cpu/losses.cpp", "kernels/cuda/losses.cu"},
      {"cross_entropy", "[rows, classes]", float_dtypes(), false, {1e-5, 1e-6}, {1e-12, 1e-14},
       "kernels/cpu/losses.cpp", "kernels/cuda/losses.cu"},
      {"contrastive", "[rows, cols] of the similarity matrix", float_dtypes(), false, {1e-5, 1e-6},
       {1e-12, 1e-14}, "kernels/cpu/losses.cpp", "kernels/cuda/losses.cu"},
  };
  return f;
}
// clang-format on

inline const std::vector<OpCase>& all_cases() {
  static const std::vector<OpCase> c = [] {
    std::vector<OpCase> v;
    // Elementwise.
    v.push_back({"copy", {6, 7}, "transposed source into a slice of a larger output, and packed"});
    for (double value : {3.7, -1.5, 1e10, -0.0, 70000.0})
      v.push_back({"fill", {3, 37}, "rounding and saturation of each dtype", kTest, {{"value", value}}});
    v.push_back({"unary", {9, 13}, "packed and transposed inputs"});
    v.push_back({"binary", {3, 4, 5}, "operands broadcast along different dims, one a transposed view"});
    v.push_back({"gelu", {4096, 1536}, "BERT feed-forward activation", kCpuBench});
    v.push_back({"gelu", {256, 768}, "a BERT-base activation", kSimMetrics});
    v.push_back({"copy", {256, 768}, "a transpose made contiguous", kSimMetrics});
    v.push_back({"add", {4096, 1536}, "residual add", kCpuBench, {{"broadcast", 0}}});
    v.push_back({"add", {4096, 1536}, "bias add", kCpuBench, {{"broadcast", 1}}});
    v.push_back({"add", {256, 768}, "residual add", kSimMetrics, {{"broadcast", 0}}});

    // Reductions over [outer, n, inner]: each launch path of reduce.cu.
    const std::pair<std::vector<int64_t>, const char*> reduce_shapes[] = {
        {{1, 1, 1}, "a single element"},
        {{5, 17, 1}, "short rows: one thread per row"},
        {{3, 2000, 1}, "long rows: one block per row, one chunk"},
        {{1, 100003, 1}, "one long row: chunks of 16384, two stages"},
        {{2, 300, 7}, "columns: one thread per column, one chunk"},
        {{4, 1000, 33}, "columns, chunks of 256 rows, two stages"},
        {{2, 5, 1000}, "many columns, few rows"},
    };
    for (const auto& [dims, why] : reduce_shapes) v.push_back({"sum", dims, why});
    for (const auto& [dims, why] : reduce_shapes) v.push_back({"max", dims, why});
    v.push_back({"sum", {1, 4096, 1536}, "column sums (dim 0) of a feed-forward activation", kCpuBench});
    v.push_back({"sum", {4096, 1536, 1}, "row sums (dim 1) of a feed-forward activation", kCpuBench});
    v.push_back({"sum", {256, 768, 1}, "row sums", kSimMetrics});
    v.push_back({"sum", {1, 256, 768}, "column sums", kSimMetrics});

    // GEMM: [batch, m, n, k].
    auto gemm = [&](std::vector<int64_t> dims, const char* why, bool ta, bool tb, bool shared_b, double alpha,
                    double beta, unsigned use = kTest) {
      v.push_back(
          {"gemm",
           std::move(dims),
           why,
           use,
           {{"trans_a", ta}, {"trans_b", tb}, {"shared_b", shared_b}, {"alpha", alpha}, {"beta", beta}}});
    };
    gemm({1, 37, 53, 71}, "odd sizes", false, false, false, 1.0, 0.0);
    gemm({1, 37, 53, 71}, "A transposed", true, false, false, 1.0, 0.0);
    gemm({1, 37, 53, 71}, "B transposed", false, true, false, 1.0, 0.0);
    gemm({1, 37, 53, 71}, "both transposed, alpha and beta", true, true, false, 0.5, 1.0);
    gemm({3, 16, 9, 33}, "a batch", false, false, false, 1.0, 0.0);
    gemm({4, 5, 64, 128}, "a batch sharing B (stride 0), accumulating", false, true, true, 1.0, 1.0);
    gemm({2, 1, 1, 1}, "1x1 products", false, false, false, 2.0, 0.0);
    gemm({2, 7, 6, 0}, "k = 0: only beta * C", false, false, false, 1.0, 0.5);
    for (int64_t s : {128, 256, 512, 1024, 2048})
      gemm({1, s, s, s}, "square", false, false, false, 1.0, 0.0, s <= 256 ? kCpuBench | kSmoke : kCpuBench);
    // The BERT-like layer at batch x sequence = 4096 tokens, hidden 384.
    gemm({1, 4096, 384, 384}, "bert-qkv", false, false, false, 1.0, 0.0, kCpuBench);
    gemm({1, 4096, 1536, 384}, "bert-ffn-up", false, false, false, 1.0, 0.0, kCpuBench);
    gemm({1, 4096, 384, 1536}, "bert-ffn-down", false, false, false, 1.0, 0.0, kCpuBench);
    v.push_back({"linear", {4096, 384, 1536}, "BERT feed-forward projection", kCpuBench});

    // Softmax over rows of n: warp per row up to 1024, block per row beyond.
    v.push_back({"softmax", {7, 1}, "rows of one element"});
    v.push_back({"softmax", {33, 100}, "warp per row"});
    v.push_back({"softmax", {5, 1024}, "warp per row, longest"});
    v.push_back({"softmax", {3, 3000}, "block per row"});
    v.push_back({"softmax", {2, 70000}, "block per row, long rows"});
    v.push_back({"softmax", {4096, 512}, "attention scores", kCpuBench});
    v.push_back({"softmax", {65536, 512}, "warp per row, many rows", kGpuBench});
    v.push_back({"softmax", {4096, 30522}, "block per row, vocabulary-wide rows", kGpuBench});
    v.push_back({"softmax", {256, 768}, "warp per row", kSimMetrics});

    // Layer norm over rows of n.
    v.push_back({"layer_norm", {1, 1}, "one element"});
    v.push_back({"layer_norm", {5, 3}, "rows shorter than a warp"});
    v.push_back({"layer_norm", {17, 768}, "BERT-base rows"});
    v.push_back({"layer_norm", {130, 64}, "many short rows"});
    v.push_back({"layer_norm", {1000, 5}, "column sums over 1000 rows"});
    v.push_back({"layer_norm", {3, 5000}, "long rows"});
    v.push_back({"layer_norm", {4096, 384}, "BERT hidden states", kCpuBench});
    v.push_back({"layer_norm", {16384, 768}, "BERT-base hidden states", kGpuBench});
    v.push_back({"layer_norm", {4096, 4096}, "long rows", kGpuBench});
    v.push_back({"layer_norm", {256, 768}, "BERT-base rows", kSimMetrics});

    // Attention [batch, heads, sq, sk, d].
    auto attention = [&](std::vector<int64_t> dims, const char* why, bool masked, unsigned use = kTest,
                         std::vector<DType> dtypes = {DType::Float32}) {
      v.push_back({"attention", std::move(dims), why, use, {{"masked", masked}}, std::move(dtypes)});
    };
    for (int64_t d : {32, 64, 128}) {
      attention({2, 3, 37, 53, d}, "compiled head dim, partial tiles, masked", true);
      attention({1, 2, 130, 70, d}, "compiled head dim, more queries than keys", false);
    }
    attention({2, 2, 19, 33, 48}, "generic head dim, masked", true);
    attention({1, 1, 5, 9, 7}, "generic odd head dim", false);
    attention({3, 2, 17, 23, 16}, "float64, masked", true, kTest, {DType::Float64});
    attention({1, 1, 70, 130, 64}, "float64, more keys than queries", true, kTest, {DType::Float64});
    attention({1, 1, 1, 1, 32}, "a single query and key", false);
    attention({2, 1, 1, 300, 64}, "a single query, more keys than one tile", true);
    attention({1, 4, 300, 1, 64}, "a single key", false);
    attention({8, 12, 128, 128, 64}, "BERT-base heads", false, kCpuBench);
    attention({32, 12, 32, 32, 32}, "many short sequences", false, kCpuBench);
    attention({8, 8, 256, 256, 32}, "head dim 32", false, kGpuBench);
    attention({4, 12, 512, 512, 64}, "head dim 64", false, kGpuBench);
    attention({2, 16, 1024, 1024, 128}, "head dim 128", false, kGpuBench);
    attention({2, 4, 64, 64, 64}, "one batch of small heads", false, kSimMetrics);

    // Gathers and scatters.
    v.push_back({"index_select", {50, 3, 7, 123}, "rows of shape [3, 7], indices repeating"});
    v.push_back({"index_select", {30522, 384, 4096}, "embedding lookup (BERT vocabulary)", kCpuBench});
    v.push_back({"index_add", {4, 1, 1}, "a single row"});
    v.push_back({"index_add", {121, 40, 300}, "wide rows, many duplicates"});
    v.push_back({"index_add", {3001, 1000, 7}, "narrow rows"});
    v.push_back({"index_add", {15001, 5000, 64}, "many rows"});
    v.push_back({"index_add", {16384, 4096, 384}, "messages summed into nodes", kCpuBench});
    v.push_back({"segment_sum", {1, 1, 1}, "one segment of one row"});
    v.push_back({"segment_sum", {30, 200, 33}, "segments of a few rows, some empty"});
    v.push_back({"segment_sum", {300, 40, 5}, "more segments than rows: mostly empty"});
    v.push_back({"segment_sum", {7, 5000, 16}, "long segments"});
    v.push_back(
        {"segment_sum", {4096, 4096 * 32, 300}, "graph mean pooling: molecules of ~32 atoms", kGpuBench});
    v.push_back({"segment_sum", {100000, 100000 * 8, 64}, "many short segments", kGpuBench});
    v.push_back({"gin_message", {1, 1, 1}, "one node, one edge"});
    v.push_back({"gin_message", {30, 70, 300}, "wide rows"});
    v.push_back({"gin_message", {500, 2000, 17}, "many edges"});
    v.push_back(
        {"gin_message", {100000, 200000, 300}, "a batch of molecular graphs (bonds both ways)", kGpuBench});
    v.push_back(
        {"gin_message", {2000, 3998, 64}, "a chain: each node's neighbours before and after", kSimMetrics});

    // Random masks and optimizer steps.
    for (double p : {0.1, 0.5, 0.9})
      v.push_back({"dropout", {1001, 3}, "offsets below and above 2^32", kTest, {{"p", p}}});
    v.push_back({"optimizer", {3001}, "a parameter vector not a multiple of the block"});
    v.push_back({"optimizer", {1 << 16}, "Adam over 65536 parameters", kSimMetrics});

    // Losses.
    for (std::vector<int64_t> s : {std::vector<int64_t>{1}, {7, 131}, {300, 1000}})
      v.push_back({"bce_with_logits", s, "logits in [-8, 8]"});
    for (std::vector<int64_t> s : {std::vector<int64_t>{1, 5}, {9, 40}, {64, 300}})
      v.push_back({"multilabel_margin", s, "duplicate targets, early ends"});
    for (std::vector<int64_t> s : {std::vector<int64_t>{1, 1}, {13, 7}, {50, 3000}})
      v.push_back({"cross_entropy", s, "every fourth row ignored"});
    for (std::vector<int64_t> s : {std::vector<int64_t>{1, 1}, {16, 16}, {40, 25}, {3, 700}})
      v.push_back({"contrastive", s, "square and rectangular, rows without positives"});
    return v;
  }();
  return c;
}

inline const Family& family(std::string_view op) {
  for (const Family& f : families())
    if (op == f.op) return f;
  throw std::out_of_range("no kernel case family named " + std::string(op));
}

// The cases of one family that `use` runs, in the order listed.
inline std::vector<OpCase> cases_for(std::string_view op, unsigned use) {
  family(op);  // an unknown name is an error, not an empty list
  std::vector<OpCase> out;
  for (const OpCase& c : all_cases())
    if (op == c.op && (c.use & use)) out.push_back(c);
  return out;
}

// The dtypes a case runs in: its own, or its family's.
inline const std::vector<DType>& dtypes_of(const OpCase& c) {
  return c.dtypes.empty() ? family(c.op).dtypes : c.dtypes;
}

inline Tolerance tolerance_of(const Family& f, DType dtype) {
  return dtype == DType::Float64 ? f.f64 : f.f32;
}

}  // namespace nlammr::cases
