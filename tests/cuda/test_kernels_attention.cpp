// Fused attention on CUDA against the CPU's blocked reference: forward (out
// and lse) and backward (dQ, dK, dV), every compiled head dim and the generic
// one, key masks with fully masked rows, odd lengths that leave partial
// tiles, and the same bits on a second run (no atomics).
#include "tests/cuda/cuda_test_support.h"
#ifdef NLAMMR_WITH_CUDA
#include "kernels/cuda/cuda_backend.h"
#endif

using namespace nlammr;
using namespace nlammr::testing;

namespace {

struct AttentionCase {
  int64_t batch, heads, sq, sk, d;
  bool masked;
};

// Key mask [batch, sk]: batch 0 keeps everything but a few keys, the last
// batch (when batch > 1) masks every key, so its queries have no distribution.
Tensor key_mask(int64_t batch, int64_t sk, Generator& gen) {
  std::vector<uint8_t> m(static_cast<size_t>(batch * sk), 1);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t j = 0; j < sk; ++j) {
      if (batch > 1 && b == batch - 1)
        m[b * sk + j] = 0;
      else if (gen.uniform() < 0.25)
        m[b * sk + j] = 0;
    }
  return Tensor::from_vector(m, {batch, sk});
}

void check_attention(const AttentionCase& c, DType dtype) {
  const Tolerance tol = tolerance_for(dtype, {1e-4, 2e-5}, {1e-10, 1e-12});
  Generator gen(40 + c.d);
  const Tensor q = uniform({c.batch, c.heads, c.sq, c.d}, dtype, gen);
  const Tensor k = uniform({c.batch, c.heads, c.sk, c.d}, dtype, gen);
  const Tensor v = uniform({c.batch, c.heads, c.sk, c.d}, dtype, gen);
  const Tensor mask = c.masked ? key_mask(c.batch, c.sk, gen) : Tensor();
  const Tensor mask_gpu = c.masked ? on_gpu(mask) : Tensor();
  const double scale = 1.0 / std::sqrt(static_cast<double>(c.d));
  const std::string name = "attention " + shape_str({c.batch, c.heads, c.sq, c.sk, c.d}) + " " +
                           dtype_name(dtype) + (c.masked ? " masked" : "");

  OutputPair out = poisoned_pair(q.shape(), dtype), lse = poisoned_pair({c.batch, c.heads, c.sq}, dtype);
  cpu_kernels().attention_forward(q, k, v, mask, scale, out.cpu, lse.cpu);
  gpu_kernels().attention_forward(on_gpu(q), on_gpu(k), on_gpu(v), mask_gpu, scale, out.gpu, lse.gpu);
  check_close(out.gpu, out.cpu, tol, name + " out");
  check_close(lse.gpu, lse.cpu, tol, name + " lse");

  const Tensor gout = uniform(q.shape(), dtype, gen);
  OutputPair gq = poisoned_pair(q.shape(), dtype), gk = poisoned_pair(k.shape(), dtype),
             gv = poisoned_pair(v.shape(), dtype);
  cpu_kernels().attention_backward(q, k, v, out.cpu, lse.cpu, gout, mask, scale, gq.cpu, gk.cpu, gv.cpu);
  // The GPU's backward starts from the CPU's forward results, so only the backward is compared.
  gpu_kernels().attention_backward(on_gpu(q), on_gpu(k), on_gpu(v), on_gpu(out.cpu), on_gpu(lse.cpu),
                                   on_gpu(gout), mask_gpu, scale, gq.gpu, gk.gpu, gv.gpu);
  // Gradients sum over every query (or key): scale the absolute tolerance with the length.
  const Tolerance grad_tol{tol.rtol, tol.atol * static_cast<double>(std::max(c.sq, c.sk))};
  check_close(gq.gpu, gq.cpu, grad_tol, name + " dq");
  check_close(gk.gpu, gk.cpu, grad_tol, name + " dk");
  check_close(gv.gpu, gv.cpu, grad_tol, name + " dv");

  // Deterministic: a second backward gives the same bits.
  OutputPair gq2 = poisoned_pair(q.shape(), dtype), gk2 = poisoned_pair(k.shape(), dtype),
             gv2 = poisoned_pair(v.shape(), dtype);
  gpu_kernels().attention_backward(on_gpu(q), on_gpu(k), on_gpu(v), on_gpu(out.cpu), on_gpu(lse.cpu),
                                   on_gpu(gout), mask_gpu, scale, gq2.gpu, gk2.gpu, gv2.gpu);
  check_identical(gq2.gpu, on_cpu(gq.gpu), name + " dq repeated");
  check_identical(gk2.gpu, on_cpu(gk.gpu), name + " dk repeated");
  check_identical(gv2.gpu, on_cpu(gv.gpu), name + " dv repeated");
}

}  // namespace

TEST_CASE("attention: compiled head dims 32, 64, 128 in float32, with partial tiles and masks") {
  NLAMMR_REQUIRE_CUDA();
  for (int64_t d : {32, 64, 128}) {
    check_attention({2, 3, 37, 53, d, true}, DType::Float32);
    check_attention({1, 2, 130, 70, d, false}, DType::Float32);
  }
}

TEST_CASE("attention: generic head dims and float64") {
  NLAMMR_REQUIRE_CUDA();
  check_attention({2, 2, 19, 33, 48, true}, DType::Float32);
  check_attention({1, 1, 5, 9, 7, false}, DType::Float32);
  check_attention({3, 2, 17, 23, 16, true}, DType::Float64);
  check_attention({1, 1, 70, 130, 64, true}, DType::Float64);
}

TEST_CASE("attention: single queries and keys, and more keys than one tile holds") {
  NLAMMR_REQUIRE_CUDA();
  check_attention({1, 1, 1, 1, 32, false}, DType::Float32);
  check_attention({2, 1, 1, 300, 64, true}, DType::Float32);
  check_attention({1, 4, 300, 1, 64, false}, DType::Float32);
}

#ifdef NLAMMR_WITH_CUDA
TEST_CASE("attention: the bfloat16 kernel agrees with float32 on bfloat16-rounded inputs") {
  NLAMMR_REQUIRE_REAL_CUDA();
  Generator gen(50);
  const cuda::AttentionShape s{2, 4, 45, 77, 64};
  const Shape qs{s.batch, s.heads, s.sq, s.d}, ks{s.batch, s.heads, s.sk, s.d};
  // Round the inputs to bfloat16 first, so both sides see the same values.
  const Tensor q = uniform(qs, DType::Float32, gen).to(DType::BFloat16);
  const Tensor k = uniform(ks, DType::Float32, gen).to(DType::BFloat16);
  const Tensor v = uniform(ks, DType::Float32, gen).to(DType::BFloat16);
  const Tensor mask = key_mask(s.batch, s.sk, gen);
  const double scale = 0.125;
  Tensor out = Tensor::empty(qs, DType::BFloat16, gpu_device());
  Tensor lse = Tensor::empty({s.batch, s.heads, s.sq}, DType::Float32, gpu_device());
  const Tensor qg = on_gpu(q), kg = on_gpu(k), vg = on_gpu(v), mg = on_gpu(mask);
  cuda::attention_forward_bf16(s, qg.raw_data(), kg.raw_data(), vg.raw_data(),
                               static_cast<const uint8_t*>(mg.raw_data()), scale, out.raw_data(),
                               static_cast<float*>(lse.raw_data()));
  Tensor out_ref = Tensor::empty(qs, DType::Float32),
         lse_ref = Tensor::empty({s.batch, s.heads, s.sq}, DType::Float32);
  cpu_kernels().attention_forward(q.to(DType::Float32), k.to(DType::Float32), v.to(DType::Float32), mask,
                                  scale, out_ref, lse_ref);
  // The output is rounded to bfloat16 (8 mantissa bits).
  check_close(out.to(DType::Float32), out_ref, {1e-2, 1e-2}, "bf16 attention out");
  check_close(lse, lse_ref, {1e-5, 1e-5}, "bf16 attention lse");
}
#endif
