// Dropout masks from the counter-based RNG, and fused optimizer updates.
#include <cmath>
#include <cstdint>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

#include "kernels/cpu/common.h"
#include "kernels/cpu/cpu_backend.h"
#include "kernels/philox.h"

namespace nlammr {

namespace {

#if defined(__AVX512F__)
// The same as the AVX2 version below on eight 64-bit lanes: eight counters
// per group, half the instructions per mask element. Integer arithmetic, so
// the same numbers on any vector width.
constexpr int64_t kGroup = 8;
// GCC 12 warns about the unused upper lanes its own AVX-512 intrinsics
// header leaves undefined; nothing here reads them.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
void uniform01_group(uint64_t first, uint64_t key, float* out) {
  const __m512i low_word = _mm512_set1_epi64(0xffffffffLL);
  const __m512i counter = _mm512_add_epi64(_mm512_set1_epi64(static_cast<int64_t>(first)),
                                           _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7));
  __m512i x = _mm512_and_si512(counter, low_word), y = _mm512_srli_epi64(counter, 32);
  __m512i z = _mm512_setzero_si512(), w = _mm512_setzero_si512();
  const __m512i m0 = _mm512_set1_epi64(0xD2511F53LL), m1 = _mm512_set1_epi64(0xCD9E8D57LL);
  uint32_t k0 = static_cast<uint32_t>(key), k1 = static_cast<uint32_t>(key >> 32);
  for (int round = 0; round < 10; ++round) {
    const __m512i p0 = _mm512_mul_epu32(x, m0), p1 = _mm512_mul_epu32(z, m1);
    const __m512i next_x = _mm512_xor_si512(_mm512_xor_si512(_mm512_srli_epi64(p1, 32), y), _mm512_set1_epi64(k0));
    const __m512i next_z = _mm512_xor_si512(_mm512_xor_si512(_mm512_srli_epi64(p0, 32), w), _mm512_set1_epi64(k1));
    y = _mm512_and_si512(p1, low_word), w = _mm512_and_si512(p0, low_word), x = next_x, z = next_z;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  alignas(64) uint64_t words[8];
  _mm512_store_si512(reinterpret_cast<__m512i*>(words), x);
  for (int l = 0; l < 8; ++l) out[l] = static_cast<float>(static_cast<uint32_t>(words[l]) >> 8) * (1.0f / 16777216.0f);
}
#pragma GCC diagnostic pop
#elif defined(__AVX2__)
// philox::uniform01 for the four counters first .. first + 3 at once. The
// ten rounds are the same arithmetic on four 64-bit lanes, each holding one
// 32-bit word: _mm256_mul_epu32 is the 32 x 32 -> 64-bit product of the
// scalar mulhilo, four times per instruction. Compilers do not find this
// form on their own (they have no vector 32-bit high multiply), and Philox
// dominates the cost of a dropout mask. Element for element the same numbers
// as the scalar function (tests/engine/test_dropout_mask.cpp).
constexpr int64_t kGroup = 4;
void uniform01_group(uint64_t first, uint64_t key, float* out) {
  const __m256i low_word = _mm256_set1_epi64x(0xffffffffLL);
  const __m256i counter = _mm256_add_epi64(_mm256_set1_epi64x(static_cast<int64_t>(first)),
                                           _mm256_setr_epi64x(0, 1, 2, 3));
  __m256i x = _mm256_and_si256(counter, low_word), y = _mm256_srli_epi64(counter, 32);
  __m256i z = _mm256_setzero_si256(), w = _mm256_setzero_si256();
  const __m256i m0 = _mm256_set1_epi64x(0xD2511F53LL), m1 = _mm256_set1_epi64x(0xCD9E8D57LL);
  uint32_t k0 = static_cast<uint32_t>(key), k1 = static_cast<uint32_t>(key >> 32);
  for (int round = 0; round < 10; ++round) {
    const __m256i p0 = _mm256_mul_epu32(x, m0), p1 = _mm256_mul_epu32(z, m1);
    const __m256i next_x = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p1, 32), y), _mm256_set1_epi64x(k0));
    const __m256i next_z = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p0, 32), w), _mm256_set1_epi64x(k1));
    y = _mm256_and_si256(p1, low_word), w = _mm256_and_si256(p0, low_word), x = next_x, z = next_z;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  alignas(32) uint64_t words[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(words), x);
  for (int l = 0; l < 4; ++l) out[l] = static_cast<float>(static_cast<uint32_t>(words[l]) >> 8) * (1.0f / 16777216.0f);
}
#else
// Without AVX2, one counter at a time.
constexpr int64_t kGroup = 1;
void uniform01_group(uint64_t first, uint64_t key, float* out) { out[0] = philox::uniform01(first, key); }
#endif

}  // namespace

void CpuBackend::dropout_mask(const Tensor& mask, double p, uint64_t seed, uint64_t offset) {
  const int64_t n = mask.numel();
  cpu::dispatch_float(mask.dtype(), "dropout", [&](auto tag) {
    using T = decltype(tag);
    T* m = cpu::ptr<T>(mask);
    const T keep_scale = static_cast<T>(1.0 / (1.0 - p));
    const float threshold = static_cast<float>(p);
    // Whole groups of counters at once, then the tail one by one.
    const int64_t groups = n / kGroup;
#pragma omp parallel for schedule(static) if (n > cpu::kParallelGrain)
    for (int64_t g = 0; g < groups; ++g) {
      float u[kGroup];
      uniform01_group(offset + static_cast<uint64_t>(g * kGroup), seed, u);
      for (int64_t l = 0; l < kGroup; ++l) m[g * kGroup + l] = u[l] < threshold ? T(0) : keep_scale;
    }
    for (int64_t i = groups * kGroup; i < n; ++i)
      m[i] = philox::uniform01(offset + static_cast<uint64_t>(i), seed) < threshold ? T(0) : keep_scale;
  });
}

// Adam (Kingma & Ba) as torch.optim.Adam/AdamW compute it:
//   g = grad (+ wd * param for Adam's L2 penalty)
//   param *= 1 - lr * wd (AdamW's decoupled decay instead)
//   m = b1 m + (1 - b1) g;   v = b2 v + (1 - b2) g^2
//   param -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
void CpuBackend::adam_step(const Tensor& param, const Tensor& grad, const Tensor& m, const Tensor& v,
                           const AdamStepDesc& d) {
  const int64_t n = param.numel();
  const double bc1 = 1.0 - std::pow(d.beta1, static_cast<double>(d.step));
  const double bc2_sqrt = std::sqrt(1.0 - std::pow(d.beta2, static_cast<double>(d.step)));
  const double step_size = d.lr / bc1;
  cpu::dispatch_float(param.dtype(), "adam", [&](auto tag) {
    using T = decltype(tag);
    T* p = cpu::ptr<T>(param);
    const T* g = cpu::ptr<T>(grad);
    T* mp = cpu::ptr<T>(m);
    T* vp = cpu::ptr<T>(v);
    // Both kinds of decay as factors, so that the loop has no branch and
    // vectorises: decoupled, param *= 1 - lr wd; L2, g += wd param.
    const double decay = d.decoupled ? 1.0 - d.lr * d.weight_decay : 1.0;
    const double l2 = d.decoupled ? 0.0 : d.weight_decay;
    const double beta1 = d.beta1, beta2 = d.beta2, eps = d.eps;
#pragma omp parallel for schedule(static) if (n > cpu::kParallelGrain)
    for (int64_t i = 0; i < n; ++i) {
      const double gi = g[i] + l2 * p[i];
      const double pi = p[i] * decay;
      const double mi = beta1 * mp[i] + (1.0 - beta1) * gi;
      const double vi = beta2 * vp[i] + (1.0 - beta2) * gi * gi;
      mp[i] = static_cast<T>(mi);
      vp[i] = static_cast<T>(vi);
      p[i] = static_cast<T>(pi - step_size * mi / (std::sqrt(vi) / bc2_sqrt + eps));
    }
  });
}

// SGD as torch.optim.SGD: g = grad + wd param; buf = momentum buf + (1 - dampening) g
// (buf = g on the first step); g = nesterov ? g + momentum buf : buf; param -= lr g.
void CpuBackend::sgd_step(const Tensor& param, const Tensor& grad, const Tensor& momentum_buffer,
                          const SgdStepDesc& d) {
  const int64_t n = param.numel();
  cpu::dispatch_float(param.dtype(), "sgd", [&](auto tag) {
    using T = decltype(tag);
    T* p = cpu::ptr<T>(param);
    const T* g = cpu::ptr<T>(grad);
    T* buf = momentum_buffer.defined() ? cpu::ptr<T>(momentum_buffer) : nullptr;
#pragma omp parallel for schedule(static) if (n > cpu::kParallelGrain)
    for (int64_t i = 0; i < n; ++i) {
      double gi = static_cast<double>(g[i]) + d.weight_decay * p[i];
      if (d.momentum != 0.0 && buf) {
        const double b = d.first_step ? gi : d.momentum * buf[i] + (1.0 - d.dampening) * gi;
        buf[i] = static_cast<T>(b);
        gi = d.nesterov ? gi + d.momentum * b : b;
      }
      p[i] = static_cast<T>(p[i] - d.lr * gi);
    }
  });
}

}  // namespace nlammr
