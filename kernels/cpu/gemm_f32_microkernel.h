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
// Contract of every kernel, for the full MR x NR block (c has row stride ldc):
//   C = alpha * (a . b) + beta * C, and C is not read when beta == 0
//   (so an uninitialised or NaN-filled C is simply overwritten).
// The dot products are summed in the order p = 0, 1, ..., kc - 1 for every
// element, whatever the block's position in C: this is what makes the whole
// GEMM independent of how the work is split between threads.
//
// Three kernels, chosen at run time (gemm_f32.cpp), so that one binary uses
// the widest vectors of whatever x86-64 CPU it runs on:
//   portable  6 x 16, plain loops, separate multiply and add;
//   avx2      6 x 16, AVX2 + FMA;
//   avx512    12 x 32, AVX-512F.
// The avx2 and avx512 kernels take every element of C through the same
// operations: acc = fma(a_ip, b_pj, acc) from acc = 0 in the order of p, then
// the same final update (alpha * acc, fma(alpha, acc, C) or
// fma(alpha, acc, beta * C)). Only the tile shape differs, and an element's
// value does not depend on which tile holds it, so the two give identical
// bits: a binary computes the same numbers on an AVX2 machine and on an
// AVX-512 one. (The portable kernel rounds the product and the sum
// separately, so its bits differ from theirs; it is the same on every CPU.)
#pragma once

#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#define NLAMMR_GEMM_X86 1
#include <immintrin.h>
// Compiled for these instruction sets whatever the rest of the build
// targets; called only after cpuid has said the CPU has them.
#define NLAMMR_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define NLAMMR_TARGET_AVX512 __attribute__((target("avx512f,avx2,fma")))
#else
#define NLAMMR_GEMM_X86 0
#endif

// The kernels are kept out of line (one call per MR x NR tile, a few hundred
// cycles of work each, so the call is free; gemm_f32.cpp calls them through
// a pointer anyway). Inlined into the loops around them, the compiler may
// hoist the alpha/beta broadcasts of the final update above the k loop, and
// with most vector registers in use, that pushes an accumulator out to the
// stack.
#if defined(__GNUC__)
#define NLAMMR_GEMM_NOINLINE __attribute__((noinline))
#else
#define NLAMMR_GEMM_NOINLINE
#endif

namespace nlammr::cpu::gemm_f32_detail {

// The signature all kernels share, so the loops around them can be handed
// any one.
using MicroKernel = void (*)(int64_t kc, const float* a, const float* b, float alpha, float beta, float* c,
                             int64_t ldc);

// The portable kernel in plain loops, compiled on every machine. The
// accumulators are a local array the compiler can keep in (SSE, AVX or NEON)
// registers and vectorise along j; vectorising along j never reorders the
// sum along p, so the result is the same as one element at a time. The j
// loop is kept rolled, one row of the tile at a time: left to itself, GCC
// unrolled the whole 6 x 16 tile into shuffles of 4-wide vectors and ran at
// under 1 GFLOP/s, against 27 for this form (-march=native, AVX-512 Xeon).
template <int64_t MR, int64_t NR>
NLAMMR_GEMM_NOINLINE void micro_kernel_portable(int64_t kc, const float* __restrict a, const float* __restrict b,
                                                float alpha, float beta, float* __restrict c, int64_t ldc) {
  float acc[MR * NR];
  for (int64_t x = 0; x < MR * NR; ++x) acc[x] = 0.0f;
  for (int64_t p = 0; p < kc; ++p, a += MR, b += NR)
    for (int64_t i = 0; i < MR; ++i) {
      const float ai = a[i];
      float* row = acc + i * NR;
#pragma GCC unroll 1
      for (int64_t j = 0; j < NR; ++j) row[j] += ai * b[j];
    }
  for (int64_t i = 0; i < MR; ++i)
    for (int64_t j = 0; j < NR; ++j) {
      float& cij = c[i * ldc + j];
      const float v = acc[i * NR + j];
      cij = beta == 0.0f ? alpha * v : alpha * v + beta * cij;
    }
}

#if NLAMMR_GEMM_X86

// ---- AVX2 + FMA: 6 x 16 ----------------------------------------------------
//
// 6 x 16 is the shape that fits AVX2's 16 vector registers: 6 rows x 2
// vectors of 8 floats = 12 accumulators, plus 2 registers for the current row
// of B and 1 for a broadcast element of A (15 of 16). Each step p loads 2
// vectors of B and 6 scalars of A for 12 fused multiply-adds, so the loads
// (which Zen 3 and Intel cores issue 2-3 per cycle) keep up with the two FMA
// units; 12 independent accumulators cover the FMA latency (4 cycles x 2
// units = 8 in flight needed).

// One row of the C block: two vectors of 8 floats.
NLAMMR_TARGET_AVX2 inline void update_row_avx2(float* c, __m256 acc0, __m256 acc1, __m256 alpha, __m256 beta,
                                               float beta_s) {
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

NLAMMR_TARGET_AVX2 NLAMMR_GEMM_NOINLINE inline void micro_kernel_avx2(int64_t kc, const float* __restrict a,
                                                                      const float* __restrict b, float alpha,
                                                                      float beta, float* __restrict c,
                                                                      int64_t ldc) {
  constexpr int64_t MR = 6, NR = 16;
  // Ask for the C block now: it is needed only after the k loop, by which
  // time the loads will have arrived instead of stalling the update.
  for (int64_t i = 0; i < MR; ++i) {
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + NR - 1), _MM_HINT_T0);
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
    const __m256 b0 = _mm256_load_ps(b + (p) * NR);           \
    const __m256 b1 = _mm256_load_ps(b + (p) * NR + 8);       \
    __m256 ai = _mm256_broadcast_ss(a + (p) * MR + 0);        \
    c00 = _mm256_fmadd_ps(ai, b0, c00);                      \
    c01 = _mm256_fmadd_ps(ai, b1, c01);                      \
    ai = _mm256_broadcast_ss(a + (p) * MR + 1);              \
    c10 = _mm256_fmadd_ps(ai, b0, c10);                      \
    c11 = _mm256_fmadd_ps(ai, b1, c11);                      \
    ai = _mm256_broadcast_ss(a + (p) * MR + 2);              \
    c20 = _mm256_fmadd_ps(ai, b0, c20);                      \
    c21 = _mm256_fmadd_ps(ai, b1, c21);                      \
    ai = _mm256_broadcast_ss(a + (p) * MR + 3);              \
    c30 = _mm256_fmadd_ps(ai, b0, c30);                      \
    c31 = _mm256_fmadd_ps(ai, b1, c31);                      \
    ai = _mm256_broadcast_ss(a + (p) * MR + 4);              \
    c40 = _mm256_fmadd_ps(ai, b0, c40);                      \
    c41 = _mm256_fmadd_ps(ai, b1, c41);                      \
    ai = _mm256_broadcast_ss(a + (p) * MR + 5);              \
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
    a += 4 * MR;
    b += 4 * NR;
  }
  for (; p < kc; ++p) {
    NLAMMR_GEMM_STEP(0)
    a += MR;
    b += NR;
  }
#undef NLAMMR_GEMM_STEP
  const __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
  update_row_avx2(c + 0 * ldc, c00, c01, va, vb, beta);
  update_row_avx2(c + 1 * ldc, c10, c11, va, vb, beta);
  update_row_avx2(c + 2 * ldc, c20, c21, va, vb, beta);
  update_row_avx2(c + 3 * ldc, c30, c31, va, vb, beta);
  update_row_avx2(c + 4 * ldc, c40, c41, va, vb, beta);
  update_row_avx2(c + 5 * ldc, c50, c51, va, vb, beta);
}

// ---- AVX-512F: 12 x 32 -----------------------------------------------------
//
// AVX-512 has 32 vector registers of 16 floats: 12 rows x 2 vectors = 24
// accumulators, 2 for the current row of B, and the elements of A come as
// broadcasts folded into the FMAs' memory operand. Each step loads 2 vectors
// of B and 12 scalars of A for 24 FMAs (0.58 loads per FMA, against 0.67
// for the 6 x 16 AVX2 tile), and 24 accumulators cover the FMA latency of
// two 512-bit units with room to spare.

NLAMMR_TARGET_AVX512 inline void update_row_avx512(float* c, __m512 acc0, __m512 acc1, __m512 alpha,
                                                   __m512 beta, float beta_s) {
  if (beta_s == 0.0f) {
    _mm512_storeu_ps(c, _mm512_mul_ps(alpha, acc0));
    _mm512_storeu_ps(c + 16, _mm512_mul_ps(alpha, acc1));
  } else if (beta_s == 1.0f) {
    _mm512_storeu_ps(c, _mm512_fmadd_ps(alpha, acc0, _mm512_loadu_ps(c)));
    _mm512_storeu_ps(c + 16, _mm512_fmadd_ps(alpha, acc1, _mm512_loadu_ps(c + 16)));
  } else {
    _mm512_storeu_ps(c, _mm512_fmadd_ps(alpha, acc0, _mm512_mul_ps(beta, _mm512_loadu_ps(c))));
    _mm512_storeu_ps(c + 16, _mm512_fmadd_ps(alpha, acc1, _mm512_mul_ps(beta, _mm512_loadu_ps(c + 16))));
  }
}

NLAMMR_TARGET_AVX512 NLAMMR_GEMM_NOINLINE inline void micro_kernel_avx512(int64_t kc, const float* __restrict a,
                                                                          const float* __restrict b, float alpha,
                                                                          float beta, float* __restrict c,
                                                                          int64_t ldc) {
  constexpr int64_t MR = 12, NR = 32;
  for (int64_t i = 0; i < MR; ++i) {
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + NR - 1), _MM_HINT_T0);
  }
#define NLAMMR_GEMM_ACC(i) __m512 c##i##0 = _mm512_setzero_ps(), c##i##1 = _mm512_setzero_ps();
  NLAMMR_GEMM_ACC(0) NLAMMR_GEMM_ACC(1) NLAMMR_GEMM_ACC(2) NLAMMR_GEMM_ACC(3)
  NLAMMR_GEMM_ACC(4) NLAMMR_GEMM_ACC(5) NLAMMR_GEMM_ACC(6) NLAMMR_GEMM_ACC(7)
  NLAMMR_GEMM_ACC(8) NLAMMR_GEMM_ACC(9) NLAMMR_GEMM_ACC(10) NLAMMR_GEMM_ACC(11)
#undef NLAMMR_GEMM_ACC
#define NLAMMR_GEMM_ROW(p, i)                             \
  {                                                      \
    const __m512 ai = _mm512_set1_ps(a[(p) * MR + (i)]);  \
    c##i##0 = _mm512_fmadd_ps(ai, b0, c##i##0);          \
    c##i##1 = _mm512_fmadd_ps(ai, b1, c##i##1);          \
  }
#define NLAMMR_GEMM_STEP(p)                                                                             \
  {                                                                                                    \
    const __m512 b0 = _mm512_load_ps(b + (p) * NR);                                                     \
    const __m512 b1 = _mm512_load_ps(b + (p) * NR + 16);                                                \
    NLAMMR_GEMM_ROW(p, 0) NLAMMR_GEMM_ROW(p, 1) NLAMMR_GEMM_ROW(p, 2) NLAMMR_GEMM_ROW(p, 3)            \
    NLAMMR_GEMM_ROW(p, 4) NLAMMR_GEMM_ROW(p, 5) NLAMMR_GEMM_ROW(p, 6) NLAMMR_GEMM_ROW(p, 7)            \
    NLAMMR_GEMM_ROW(p, 8) NLAMMR_GEMM_ROW(p, 9) NLAMMR_GEMM_ROW(p, 10) NLAMMR_GEMM_ROW(p, 11)          \
  }
  int64_t p = 0;
  for (; p + 2 <= kc; p += 2) {
    NLAMMR_GEMM_STEP(0)
    NLAMMR_GEMM_STEP(1)
    a += 2 * MR;
    b += 2 * NR;
  }
  for (; p < kc; ++p) {
    NLAMMR_GEMM_STEP(0)
    a += MR;
    b += NR;
  }
#undef NLAMMR_GEMM_STEP
#undef NLAMMR_GEMM_ROW
  const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
#define NLAMMR_GEMM_UPDATE(i) update_row_avx512(c + (i) * ldc, c##i##0, c##i##1, va, vb, beta);
  NLAMMR_GEMM_UPDATE(0) NLAMMR_GEMM_UPDATE(1) NLAMMR_GEMM_UPDATE(2) NLAMMR_GEMM_UPDATE(3)
  NLAMMR_GEMM_UPDATE(4) NLAMMR_GEMM_UPDATE(5) NLAMMR_GEMM_UPDATE(6) NLAMMR_GEMM_UPDATE(7)
  NLAMMR_GEMM_UPDATE(8) NLAMMR_GEMM_UPDATE(9) NLAMMR_GEMM_UPDATE(10) NLAMMR_GEMM_UPDATE(11)
#undef NLAMMR_GEMM_UPDATE
}

#endif  // NLAMMR_GEMM_X86

}  // namespace nlammr::cpu::gemm_f32_detail
