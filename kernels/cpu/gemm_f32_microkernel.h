// The innermost piece of the float32 GEMM (gemm_f32.cpp): one MR x NR block
// of C from a packed micro-panel of A (MR x kc) and one of B (kc x NR).
//
// Everything above the micro-kernel exists to feed it: the packing routines
// lay A and B out in exactly the order it reads them, and the blocking keeps
// those panels in the caches. The kernel itself keeps the whole MR x NR block
// of C in registers for the entire k loop, so C is read and written once per
// kc-deep slice, not once per multiply-add.
//
// Packed layouts (both contiguous, 64-byte aligned):
//   a: kc columns of MR values:  a[p * MR + i] = op(A)(i, p)
//   b: kc rows of NR values:     b[p * NR + j] = op(B)(p, j)
// so step p reads MR consecutive floats of a and NR consecutive floats of b.
//
// Contract of both kernels, for the full MR x NR block (c has row stride ldc):
//   C = alpha * (a . b) + beta * C, and C is not read when beta == 0
//   (so an uninitialised or NaN-filled C is simply overwritten).
// The dot products are summed in the order p = 0, 1, ..., kc - 1 for every
// element, whatever the block's position in C: this is what makes the whole
// GEMM independent of how the work is split between threads.
#pragma once

#include <cstdint>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#endif

// The kernels are kept out of line (one call per MR x NR tile, a few hundred
// cycles of work each, so the call is free; gemm_f32.cpp calls them through
// a pointer anyway). Inlined into the loops around them, the compiler may
// hoist the alpha/beta broadcasts of the final update above the k loop, and
// with 15 of 16 vector registers in use, that pushes an accumulator out to
// the stack.
#if defined(__GNUC__)
#define NLAMMR_GEMM_NOINLINE __attribute__((noinline))
#else
#define NLAMMR_GEMM_NOINLINE
#endif

namespace nlammr::cpu::gemm_f32_detail {

// 6 x 16 is the shape that fits AVX2's 16 vector registers: 6 rows x 2
// vectors of 8 floats = 12 accumulators, plus 2 registers for the current row
// of B and 1 for a broadcast element of A (15 of 16). Each step p loads 2
// vectors of B and 6 scalars of A for 12 fused multiply-adds, so the loads
// (which Zen 3 and Intel cores issue 2-3 per cycle) keep up with the two FMA
// units; 12 independent accumulators cover the FMA latency (4 cycles x 2
// units = 8 in flight needed).
constexpr int64_t kMR = 6;
constexpr int64_t kNR = 16;

// The signature both kernels share, so the loops around them can be handed
// either one.
using MicroKernel = void (*)(int64_t kc, const float* a, const float* b, float alpha, float beta, float* c,
                             int64_t ldc);

// The portable kernel in plain loops, compiled on every machine. It is the
// one used where AVX2/FMA is absent, and tests run it everywhere. The
// accumulators are a local array the compiler can keep in (SSE, AVX or NEON)
// registers and vectorise along j; vectorising along j never reorders the
// sum along p, so the result is the same as one element at a time.
NLAMMR_GEMM_NOINLINE inline void micro_kernel_portable(int64_t kc, const float* __restrict a,
                                                       const float* __restrict b, float alpha, float beta,
                                                       float* __restrict c, int64_t ldc) {
  float acc[kMR][kNR] = {};
  for (int64_t p = 0; p < kc; ++p, a += kMR, b += kNR)
    for (int64_t i = 0; i < kMR; ++i)
      for (int64_t j = 0; j < kNR; ++j) acc[i][j] += a[i] * b[j];
  for (int64_t i = 0; i < kMR; ++i)
    for (int64_t j = 0; j < kNR; ++j) {
      float& cij = c[i * ldc + j];
      cij = beta == 0.0f ? alpha * acc[i][j] : alpha * acc[i][j] + beta * cij;
    }
}

#if defined(__AVX2__) && defined(__FMA__)

constexpr bool kHaveAvx2Kernel = true;

// One row of the C block: two vectors of 8 floats.
inline void update_row(float* c, __m256 acc0, __m256 acc1, __m256 alpha, __m256 beta, float beta_s) {
  if (beta_s == 0.0f) {
    _mm256_storeu_ps(c, _mm256_mul_ps(alpha, acc0));
    _mm256_storeu_ps(c + 8, _mm256_mul_ps(alpha, acc1));
  } else if (beta_s == 1.0f) {
    _mm256_storeu_ps(c, _mm256_fmadd_ps(alpha, acc0, _mm256_loadu_ps(c)));
    _mm256_storeu_ps(c + 8, _mm256_fmadd_ps(alpha, acc1, _mm256_loadu_ps(c + 8)));
  } else {
    _mm256_storeu_ps(c, _mm256_fmadd_ps(alpha, acc0, _mm256_mul_ps(beta, _mm256_loadu_ps(c))));
    _mm256_storeu_ps(c + 8, _mm256_fmadd_ps(alpha, acc1, _mm256_mul_ps(beta, _mm256_loadu_ps(c + 8))));
  }
}

NLAMMR_GEMM_NOINLINE inline void micro_kernel_avx2(int64_t kc, const float* __restrict a,
                                                   const float* __restrict b, float alpha, float beta,
                                                   float* __restrict c, int64_t ldc) {
  // Ask for the C block now: it is needed only after the k loop, by which
  // time the loads will have arrived instead of stalling the update.
  for (int64_t i = 0; i < kMR; ++i) {
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + kNR - 1), _MM_HINT_T0);
  }
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
  __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
  __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
  __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
  // One step: row p of the B micro-panel times column p of the A micro-panel
  // (an outer product) added into the 6 x 16 accumulators.
#define NLAMMR_GEMM_STEP(p)                                   \
  {                                                          \
    const __m256 b0 = _mm256_load_ps(b + (p) * kNR);          \
    const __m256 b1 = _mm256_load_ps(b + (p) * kNR + 8);      \
    __m256 ai = _mm256_broadcast_ss(a + (p) * kMR + 0);       \
    c00 = _mm256_fmadd_ps(ai, b0, c00);                      \
    c01 = _mm256_fmadd_ps(ai, b1, c01);                      \
    ai = _mm256_broadcast_ss(a + (p) * kMR + 1);             \
    c10 = _mm256_fmadd_ps(ai, b0, c10);                      \
    c11 = _mm256_fmadd_ps(ai, b1, c11);                      \
    ai = _mm256_broadcast_ss(a + (p) * kMR + 2);             \
    c20 = _mm256_fmadd_ps(ai, b0, c20);                      \
    c21 = _mm256_fmadd_ps(ai, b1, c21);                      \
    ai = _mm256_broadcast_ss(a + (p) * kMR + 3);             \
    c30 = _mm256_fmadd_ps(ai, b0, c30);                      \
    c31 = _mm256_fmadd_ps(ai, b1, c31);                      \
    ai = _mm256_broadcast_ss(a + (p) * kMR + 4);             \
    c40 = _mm256_fmadd_ps(ai, b0, c40);                      \
    c41 = _mm256_fmadd_ps(ai, b1, c41);                      \
    ai = _mm256_broadcast_ss(a + (p) * kMR + 5);             \
    c50 = _mm256_fmadd_ps(ai, b0, c50);                      \
    c51 = _mm256_fmadd_ps(ai, b1, c51);                      \
  }
  // Unrolled by 4 so the loop overhead (counter, branch, pointer updates)
  // is paid once per 48 FMAs rather than per 12.
  int64_t p = 0;
  for (; p + 4 <= kc; p += 4) {
    NLAMMR_GEMM_STEP(0)
    NLAMMR_GEMM_STEP(1)
    NLAMMR_GEMM_STEP(2)
    NLAMMR_GEMM_STEP(3)
    a += 4 * kMR;
    b += 4 * kNR;
  }
  for (; p < kc; ++p) {
    NLAMMR_GEMM_STEP(0)
    a += kMR;
    b += kNR;
  }
#undef NLAMMR_GEMM_STEP
  const __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
  update_row(c + 0 * ldc, c00, c01, va, vb, beta);
  update_row(c + 1 * ldc, c10, c11, va, vb, beta);
  update_row(c + 2 * ldc, c20, c21, va, vb, beta);
  update_row(c + 3 * ldc, c30, c31, va, vb, beta);
  update_row(c + 4 * ldc, c40, c41, va, vb, beta);
  update_row(c + 5 * ldc, c50, c51, va, vb, beta);
}

#else  // no AVX2/FMA: the portable kernel is the only one

constexpr bool kHaveAvx2Kernel = false;

#endif

}  // namespace nlammr::cpu::gemm_f32_detail
