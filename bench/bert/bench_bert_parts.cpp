// Where one BERT layer's time goes: each op of BertLayer::forward timed on
// its own at a given batch and sequence length, and the layer's four GEMM
// shapes timed three ways (the engine's linear with and without bias, and one
// plain Eigen product of the whole matrix, what the engine's tiled GEMM is
// built on). bench_bert_reference.py --gemm times torch's linear at the same
// shapes.
//
//   bench_bert_parts [--hidden 384 --heads 12 --intermediate 1536] [--batch 32 --seq 128] [--threads 1]
//
// Times are the fastest of several passes of the process's CPU time (see
// bench_bert.cpp), so use one thread.
#include <omp.h>

#include <CLI/CLI.hpp>
#include <Eigen/Core>
#include <algorithm>
#include <cstdio>
#include <functional>

#include "bench/harness.h"
#include "engine/engine.h"

using namespace nlammr;

namespace {

// Fastest of 5 calls after one warm-up call, in process CPU time, in milliseconds.
double best_ms(const std::function<void()>& f) {
  return bench::measure(f, bench::fixed_samples(5, 1, bench::Clock::ProcessCpu)).min_s * 1e3;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Per-op timing of one BERT layer"};
  int64_t H = 384, heads = 12, I = 1536, B = 32, S = 128;
  int threads = 1;
  app.add_option("--hidden", H)->capture_default_str();
  app.add_option("--heads", heads)->capture_default_str();
  app.add_option("--intermediate", I)->capture_default_str();
  app.add_option("--batch", B)->capture_default_str();
  app.add_option("--seq", S)->capture_default_str();
  app.add_option("--threads", threads)->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  omp_set_num_threads(threads);
  Eigen::setNbThreads(1);

  const int64_t hd = H / heads;
  Generator gen(1);
  NoGradGuard no_grad;
  Tensor x = randn({B, S, H}, gen), mask = Tensor::ones({B, S}, DType::Int32);
  Tensor w_h = randn({H, H}, gen), b_h = randn({H}, gen);
  Tensor w_i = randn({I, H}, gen), b_i = randn({I}, gen), w_o = randn({H, I}, gen);
  Tensor ln_w = Tensor::ones({H}), ln_b = Tensor::zeros({H});
  auto split = [&](const Tensor& t) {
    return t.reshape({B, S, heads, hd}).permute({0, 2, 1, 3}).contiguous();
  };
  Tensor q = split(linear(x, w_h, b_h)), k = split(linear(x, w_h, b_h)), v = split(linear(x, w_h, b_h));
  Tensor ctx = scaled_dot_product_attention(q, k, v, mask);
  Tensor inner = linear(x, w_i, b_i), act = gelu(inner);

  std::printf("one layer, H %lld, %lld heads, I %lld, batch %lld x seq %lld, %d thread(s), CPU ms:\n",
              static_cast<long long>(H), static_cast<long long>(heads), static_cast<long long>(I),
              static_cast<long long>(B), static_cast<long long>(S), threads);
  struct Part {
    const char* name;
    int count;  // times it occurs per layer
    std::function<void()> run;
  };
  const Part parts[] = {
      {"linear H->H (q, k, v, attention out)", 4, [&] { linear(x, w_h, b_h); }},
      {"split heads copy (q, k, v)", 3, [&] { split(x); }},
      {"fused attention", 1, [&] { scaled_dot_product_attention(q, k, v, mask); }},
      {"merge heads copy", 1,
       [&] {
         ctx.permute({0, 2, 1, 3}).reshape({B, S, H});
       }},
      {"residual add", 2, [&] { add(x, x); }},
      {"layer norm", 2, [&] { layer_norm(x, ln_w, ln_b, 1e-12); }},
      {"linear H->I (intermediate)", 1, [&] { linear(x, w_i, b_i); }},
      {"GELU", 1, [&] { gelu(inner); }},
      {"linear I->H (output)", 1, [&] { linear(act, w_o, b_h); }},
  };
  double total = 0;
  for (const Part& p : parts) {
    const double ms = best_ms(p.run);
    total += ms * p.count;
    std::printf("  %-40s %8.2f ms x %d\n", p.name, ms, p.count);
  }
  std::printf("  %-40s %8.2f ms\n", "layer total (sum of parts)", total);

  std::printf("GEMM shapes [M x K] . [K x N], GFLOP/s:\n");
  using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const int64_t M = B * S;
  for (auto [K, N] : {std::pair{H, H}, std::pair{H, I}, std::pair{I, H}}) {
    Tensor a = randn({M, K}, gen), w = randn({N, K}, gen), b = randn({N}, gen);
    RowMajor ea = RowMajor::Random(M, K), ew = RowMajor::Random(N, K), ec(M, N);
    const double gflop = 2.0 * M * K * N / 1e9;
    const double with_bias = best_ms([&] { linear(a, w, b); });
    const double without = best_ms([&] { linear(a, w, Tensor()); });
    const double eigen = best_ms([&] { ec.noalias() = ea * ew.transpose(); });
    std::printf("  M %5lld K %5lld N %5lld: linear+bias %6.1f  linear %6.1f  Eigen single product %6.1f\n",
                static_cast<long long>(M), static_cast<long long>(K), static_cast<long long>(N),
                gflop / with_bias * 1e3, gflop / without * 1e3, gflop / eigen * 1e3);
  }
  return 0;
}
