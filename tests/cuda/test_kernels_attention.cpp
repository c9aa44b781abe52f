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

// The registered cases (tests/cases/kernel_cases.h) fall into three groups,
// one test each so that CTest can run them side by side.
enum class AttentionGroup { CompiledHeadDims, GenericOrFloat64, SingleRowOrColumn };

AttentionGroup group_of(const cases::OpCase& c, DType dtype) {
  const int64_t sq = c.dim(2), sk = c.dim(3), d = c.dim(4);
  if (sq == 1 || sk == 1) return AttentionGroup::SingleRowOrColumn;
  if (dtype == DType::Float32 && (d == 32 || d == 64 || d == 128)) return AttentionGroup::CompiledHeadDims;
  return AttentionGroup::GenericOrFloat64;
}

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
  const Tolerance tol = tolerance_of("attention", dtype);
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

// Every registered case of the group, in every dtype it lists; the number run.
int check_group(AttentionGroup group) {
  int run = 0;
  for (const cases::OpCase& c : cases::cases_for("attention", cases::kTest))
    for (DType dtype : cases::dtypes_of(c))
      if (group_of(c, dtype) == group) {
        check_attention({c.dim(0), c.dim(1), c.dim(2), c.dim(3), c.dim(4), c.flag("masked")}, dtype);
        ++run;
      }
  return run;
}

}  // namespace

TEST_CASE("attention: compiled head dims 32, 64, 128 in float32, with partial tiles and masks") {
  NLAMMR_REQUIRE_CUDA();
  CHECK(check_group(AttentionGroup::CompiledHeadDims) > 0);
}

TEST_CASE("attention: generic head dims and float64") {
  NLAMMR_REQUIRE_CUDA();
  CHECK(check_group(AttentionGroup::GenericOrFloat64) > 0);
}

TEST_CASE("attention: single queries and keys, and more keys than one tile holds") {
  NLAMMR_REQUIRE_CUDA();
  CHECK(check_group(AttentionGroup::SingleRowOrColumn) > 0);
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
