// Dropout masks from the counter-based RNG, and fused optimizer updates.
// The formulas are kernels/common (dropout_math.h, optimizer_math.h), shared
// with the CUDA kernels; what is the CPU's own here is the vectorised Philox.
#include <cstdint>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

#include "kernels/common/dropout_math.h"
#include "kernels/common/optimizer_math.h"
#include "kernels/common/philox.h"
#include "kernels/cpu/common.h"
#include "kernels/cpu/cpu_backend.h"

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
    const math::DropoutMask<T> dropout = math::dropout_mask<T>(p);
    // Whole groups of counters at once, then the tail one by one.
    const int64_t groups = n / kGroup;
#pragma omp parallel for schedule(static) if (n > cpu::kParallelGrain)
    for (int64_t g = 0; g < groups; ++g) {
      float u[kGroup];
      uniform01_group(offset + static_cast<uint64_t>(g * kGroup), seed, u);
      for (int64_t l = 0; l < kGroup; ++l) m[g * kGroup + l] = dropout.from_uniform(u[l]);
    }
    for (int64_t i = groups * kGroup; i < n; ++i) m[i] = dropout.at(seed, offset + static_cast<uint64_t>(i));
  });
}

// The updates themselves are kernels/common/optimizer_math.h, shared with
// the CUDA kernels.
void CpuBackend::adam_step(const Tensor& param, const Tensor& grad, const Tensor& m, const Tensor& v,
                           const AdamStepDesc& d) {
  const int64_t n = param.numel();
  const math::AdamCoefficients c = math::adam_coefficients(d);
  cpu::dispatch_float(param.dtype(), "adam", [&](auto tag) {
    using T = decltype(tag);
    T* p = cpu::ptr<T>(param);
    const T* g = cpu::ptr<T>(grad);
    T* mp = cpu::ptr<T>(m);
    T* vp = cpu::ptr<T>(v);
#pragma omp parallel for schedule(static) if (n > cpu::kParallelGrain)
    for (int64_t i = 0; i < n; ++i) math::adam_update(p[i], g[i], mp[i], vp[i], c);
  });
}

void CpuBackend::sgd_step(const Tensor& param, const Tensor& grad, const Tensor& momentum_buffer,
                          const SgdStepDesc& d) {
  const int64_t n = param.numel();
  cpu::dispatch_float(param.dtype(), "sgd", [&](auto tag) {
    using T = decltype(tag);
    T* p = cpu::ptr<T>(param);
    const T* g = cpu::ptr<T>(grad);
    T* buf = momentum_buffer.defined() ? cpu::ptr<T>(momentum_buffer) : nullptr;
#pragma omp parallel for schedule(static) if (n > cpu::kParallelGrain)
    for (int64_t i = 0; i < n; ++i) math::sgd_update(p[i], g[i], buf ? buf + i : nullptr, d);
  });
}

}  // namespace nlammr
