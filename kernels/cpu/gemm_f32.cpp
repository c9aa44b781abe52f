// float32 GEMM in the GotoBLAS / BLIS structure. Reading order: the block
// sizes, the two packing routines, the macro-kernel, the loop nest, and the
// split between threads. The micro-kernel is in gemm_f32_microkernel.h.
//
// Why not loop over i, j, p directly? A multiply-add needs two loads, and a
// core can do two FMAs per cycle but only two or three loads: a naive loop is
// load-bound, and at large sizes memory-bound. The fix is reuse at every
// level of the memory hierarchy:
//   registers  the micro-kernel keeps an MR x NR block of C in registers and
//              reuses each loaded element of A NR times and of B MR times;
//   L1         one kc x NR micro-panel of B stays there while the
//              micro-kernel runs down all the MR-row micro-panels of A;
//   L2         one mc x kc block of A stays there while the macro-kernel
//              sweeps it across all the NR-wide micro-panels of B;
//   L3         one kc x nc panel of B stays there while the loop over ic
//              brings in the blocks of A one after another.
// Packing copies each block into the exact order the micro-kernel reads it
// (contiguous, aligned, transposes resolved), so the inner loops see unit
// strides only, and op(A)/op(B) being transposed costs nothing beyond the
// copy, which is O(mk + kn) against the O(mnk) arithmetic.
#include "kernels/cpu/gemm_f32.h"

#include <omp.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

#include "kernels/cpu/gemm_f32_microkernel.h"

namespace nlammr::cpu {
namespace {

using gemm_f32_detail::MicroKernel;

// Block sizes (the micro-tile, MR x NR, is the kernel's: 6 x 16 or 12 x 32),
// for a core with a 32 KiB L1 data cache and a 512 KiB L2
// (AMD Zen 2/3; Intel cores since Skylake have 32-48 KiB / 1-2 MiB, which
// these sizes also fit):
//   kKC = 256: the B micro-panel, kKC x kNR floats = 16 KiB, fills half of L1,
//     leaving room for the A micro-panel it is multiplied with (kMR x kKC =
//     6 KiB) streaming through. A deeper kc means C is loaded and stored
//     fewer times (once per kc-slice).
//   kMC = 144: the packed A block, kMC x kKC floats = 144 KiB, is about a
//     quarter of L2, leaving room for the B micro-panel in use and the rows
//     of C being updated. A multiple of kMR.
//   kNC = 3072: the packed B panel, kKC x kNC floats = 3 MiB, lives in L3
//     (32 MiB shared). BERT's widest product (n = 3072, BERT-base's FFN) fits
//     one panel, so A is packed only once. A multiple of kNR.
// The speed is not sensitive to them on this design: a sweep of kc in {192,
// 256, 384, 512} and mc in {96, 144, 192, 288} on BERT's shapes (2048 x 768
// x 768, 2048 x 3072 x 768, 2048 x 384 x 1536, 32 x 768 x 768, one thread,
// Zen 3) stayed within 2% of these sizes, except kc = 192, 2-4% slower.
constexpr int64_t kKC = 256;
constexpr int64_t kMC = 144;
constexpr int64_t kNC = 3072;
static_assert(kMC % 6 == 0 && kMC % 12 == 0 && kNC % 32 == 0, "block sizes must be whole micro-panels");

// A product with fewer multiply-adds than this runs on one thread: waking the
// other threads (tens of microseconds with a passive wait policy) would cost
// more than it saves.
constexpr int64_t kParallelMinMacs = int64_t{1} << 18;

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t round_up(int64_t a, int64_t b) { return ceil_div(a, b) * b; }

// A per-thread buffer for packed panels, 64-byte aligned (a cache line, and
// what the micro-kernel's aligned vector loads need). It only grows, so
// after the first product each thread packs into memory it already has.
class PackBuffer {
 public:
  float* get(int64_t floats) {
    if (floats > capacity_) {
      const size_t bytes = static_cast<size_t>(round_up(floats * int64_t(sizeof(float)), 64));
      data_.reset(static_cast<float*>(std::aligned_alloc(64, bytes)));
      if (!data_) throw std::bad_alloc();
      capacity_ = floats;
    }
    return data_.get();
  }

 private:
  struct Free {
    void operator()(float* p) const { std::free(p); }
  };
  std::unique_ptr<float, Free> data_;
  int64_t capacity_ = 0;
};

// Reading op(A)(i, p) and op(B)(p, j) from row-major storage. A transposed
// operand is stored the other way round: op(A) = Aᵀ means A is stored k x m.
struct Operands {
  const float* a;
  const float* b;
  int64_t lda, ldb;  // row strides of A and B as stored
  bool trans_a, trans_b;
};

// The packing routines are kept out of line like the micro-kernel: inlined
// into the loop nest, they ran short of registers and reloaded their row
// pointers from the stack on every element.
//
// Packs op(A)[i0 : i0+mc, p0 : p0+kc] into micro-panels of kMR rows: panel r
// holds rows i0 + r*kMR ..., as kc columns of kMR consecutive floats
// (dst[r*kMR*kc + p*kMR + i]). Rows past mc are zero, so the micro-kernel
// can always compute a full kMR rows; those results are never stored.
//
// This version is for op(A) = A, whose rows are contiguous along p.
template <int64_t kMR>
NLAMMR_GEMM_NOINLINE void pack_a_rows(const Operands& op, int64_t i0, int64_t mc, int64_t p0, int64_t kc,
                                      float* dst) {
  for (int64_t ir = 0; ir < mc; ir += kMR, dst += kMR * kc) {
    const int64_t mr = std::min(kMR, mc - ir);
    if (mr == kMR) {
      // Walk the kMR rows side by side and write the panel in order. The
      // next panel's rows are requested one cache line (16 floats) at a time
      // as we go: each row is read for only kc floats before the walk jumps
      // kMR rows down, too short a stream for the hardware prefetcher, and
      // without this the packing of A took 10% of a [4096, 384] x [384, 384]
      // product instead of 6%.
      const float* rows[kMR];
      for (int64_t i = 0; i < kMR; ++i) rows[i] = op.a + (i0 + ir + i) * op.lda + p0;
      const int64_t next_panel = kMR * op.lda;
      for (int64_t p = 0; p < kc; ++p) {
        if (p % 16 == 0)
          for (int64_t i = 0; i < kMR; ++i) __builtin_prefetch(rows[i] + next_panel + p);
        float* out = dst + p * kMR;
        for (int64_t i = 0; i < kMR; ++i) out[i] = rows[i][p];
      }
    } else {  // the last, partial panel
      for (int64_t i = 0; i < mr; ++i) {
        const float* row = op.a + (i0 + ir + i) * op.lda + p0;
        for (int64_t p = 0; p < kc; ++p) dst[p * kMR + i] = row[p];
      }
      for (int64_t i = mr; i < kMR; ++i)
        for (int64_t p = 0; p < kc; ++p) dst[p * kMR + i] = 0.0f;
    }
  }
}

// The same packing for op(A) = Aᵀ, A stored k x m: row p of the stored
// matrix is column p of op(A), contiguous along i. Reading it whole (mc
// floats) and dealing it out to the panels reads memory in order.
template <int64_t kMR>
NLAMMR_GEMM_NOINLINE void pack_a_transposed(const Operands& op, int64_t i0, int64_t mc, int64_t p0,
                                            int64_t kc, float* dst) {
  for (int64_t p = 0; p < kc; ++p) {
    const float* row = op.a + (p0 + p) * op.lda + i0;
    for (int64_t ir = 0; ir < mc; ir += kMR) {
      const int64_t mr = std::min(kMR, mc - ir);
      float* out = dst + ir * kc + p * kMR;
      for (int64_t i = 0; i < mr; ++i) out[i] = row[ir + i];
      for (int64_t i = mr; i < kMR; ++i) out[i] = 0.0f;
    }
  }
}

// Packs op(B)[p0 : p0+kc, j0 : j0+nc] into micro-panels of kNR columns: panel
// s holds columns j0 + s*kNR ..., as kc rows of kNR consecutive floats
// (dst[s*kNR*kc + p*kNR + j]). Columns past nc are zero.
//
// This version is for op(B) = B, whose rows are contiguous along j: each row
// p is read whole (nc floats, in memory order) and dealt out kNR floats to
// each panel. (Filling one panel at a time instead reads 64 bytes per row and
// jumps a whole row ahead, a pattern the hardware prefetcher follows less
// well; gemm_block does that only for short products, where each panel is
// packed just before use.)
template <int64_t kNR>
NLAMMR_GEMM_NOINLINE void pack_b_rows(const Operands& op, int64_t p0, int64_t kc, int64_t j0, int64_t nc,
                                      float* dst) {
  for (int64_t p = 0; p < kc; ++p) {
    const float* row = op.b + (p0 + p) * op.ldb + j0;
    for (int64_t jr = 0; jr < nc; jr += kNR) {
      const int64_t nr = std::min(kNR, nc - jr);
      float* out = dst + jr * kc + p * kNR;
      for (int64_t j = 0; j < nr; ++j) out[j] = row[jr + j];
      for (int64_t j = nr; j < kNR; ++j) out[j] = 0.0f;
    }
  }
}

#if NLAMMR_GEMM_X86
// dst[q * kNR + r] = src[r * ld + q] for r, q < 8: an 8 x 8 block of the
// stored Bᵀ turned into 8 rows of a B micro-panel, with eight vector loads,
// 24 shuffles and eight vector stores instead of 64 scalar loads and stores.
// Pure data movement: the values, and so the results, are those of the
// scalar copy.
template <int64_t kNR>
NLAMMR_TARGET_AVX2 inline void transpose_8x8_into_panel(const float* src, int64_t ld, float* dst) {
  const __m256 r0 = _mm256_loadu_ps(src + 0 * ld), r1 = _mm256_loadu_ps(src + 1 * ld);
  const __m256 r2 = _mm256_loadu_ps(src + 2 * ld), r3 = _mm256_loadu_ps(src + 3 * ld);
  const __m256 r4 = _mm256_loadu_ps(src + 4 * ld), r5 = _mm256_loadu_ps(src + 5 * ld);
  const __m256 r6 = _mm256_loadu_ps(src + 6 * ld), r7 = _mm256_loadu_ps(src + 7 * ld);
  // Interleave pairs of rows (per 128-bit half): t0 = r0[0] r1[0] r0[1] r1[1] | r0[4] r1[4] ...
  const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
  const __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
  const __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
  const __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
  // Then quadruples: s0 = column 0 of rows 0-3 | column 4 of rows 0-3, etc.
  const __m256 s0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 s1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 s2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 s3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 s4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 s5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 s6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 s7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
  // Finally join the halves of rows 0-3 and rows 4-7: column q of all 8 rows.
  _mm256_store_ps(dst + 0 * kNR, _mm256_permute2f128_ps(s0, s4, 0x20));
  _mm256_store_ps(dst + 1 * kNR, _mm256_permute2f128_ps(s1, s5, 0x20));
  _mm256_store_ps(dst + 2 * kNR, _mm256_permute2f128_ps(s2, s6, 0x20));
  _mm256_store_ps(dst + 3 * kNR, _mm256_permute2f128_ps(s3, s7, 0x20));
  _mm256_store_ps(dst + 4 * kNR, _mm256_permute2f128_ps(s0, s4, 0x31));
  _mm256_store_ps(dst + 5 * kNR, _mm256_permute2f128_ps(s1, s5, 0x31));
  _mm256_store_ps(dst + 6 * kNR, _mm256_permute2f128_ps(s2, s6, 0x31));
  _mm256_store_ps(dst + 7 * kNR, _mm256_permute2f128_ps(s3, s7, 0x31));
}
#endif

// The same packing for op(B) = Bᵀ, B stored n x k (a weight stored [out, in],
// as linear() passes it): column j of op(B) is contiguous along p, so each
// panel is filled by reading kNR stored rows side by side. A full panel goes
// through 8 x 8 transposes where AVX2 is available: the scalar copy writes
// every float to a different cache line of the panel, and took a third of
// the time of a [32, 768] x [768, 768] product.
//
// `vector` says the CPU has AVX2 (true whenever an AVX2 or AVX-512 kernel
// runs): data movement only, so it changes no result.
template <int64_t kNR>
NLAMMR_GEMM_NOINLINE void pack_b_transposed(const Operands& op, int64_t p0, int64_t kc, int64_t j0,
                                            int64_t nc, float* dst, bool vector) {
  static_assert(kNR % 8 == 0, "8 x 8 transposes fill one row of a micro-panel");
  for (int64_t jr = 0; jr < nc; jr += kNR, dst += kNR * kc) {
    const int64_t nr = std::min(kNR, nc - jr);
    const float* cols = op.b + (j0 + jr) * op.ldb + p0;  // stored row j0 + jr, from column p0
    int64_t p_done = 0;
#if NLAMMR_GEMM_X86
    if (vector && nr == kNR) {
      for (; p_done + 8 <= kc; p_done += 8)
        for (int64_t q = 0; q < kNR; q += 8)
          transpose_8x8_into_panel<kNR>(cols + q * op.ldb + p_done, op.ldb, dst + p_done * kNR + q);
    }
#endif
    for (int64_t j = 0; j < nr; ++j)
      for (int64_t p = p_done; p < kc; ++p) dst[p * kNR + j] = cols[j * op.ldb + p];
    for (int64_t j = nr; j < kNR; ++j)
      for (int64_t p = 0; p < kc; ++p) dst[p * kNR + j] = 0.0f;
  }
}

// C[0:mc, 0:nc] = alpha * (packed A block . packed B panel) + beta * C, one
// kMR x kNR micro-tile at a time. The loop over B's micro-panels is outside,
// so each B micro-panel is loaded into L1 once and used against all of A's
// micro-panels (which come from L2).
//
// A tile at the bottom or right edge of C (fewer than kMR rows or kNR
// columns) runs the same micro-kernel on a kMR x kNR scratch tile: C's part
// is copied in, updated and copied back. The arithmetic is exactly that of a
// full tile, so an element's value does not depend on whether the split
// between threads put it at an edge.
template <int64_t kMR, int64_t kNR>
void macro_kernel(MicroKernel micro_kernel, int64_t mc, int64_t nc, int64_t kc, const float* packed_a,
                  const float* packed_b, float alpha, float beta, float* c, int64_t ldc) {
  alignas(64) float scratch[kMR * kNR];
  for (int64_t jr = 0; jr < nc; jr += kNR) {
    const int64_t nr = std::min(kNR, nc - jr);
    const float* b_panel = packed_b + jr * kc;
    for (int64_t ir = 0; ir < mc; ir += kMR) {
      const int64_t mr = std::min(kMR, mc - ir);
      const float* a_panel = packed_a + ir * kc;
      float* c_tile = c + ir * ldc + jr;
      if (mr == kMR && nr == kNR) {
        micro_kernel(kc, a_panel, b_panel, alpha, beta, c_tile, ldc);
        continue;
      }
      if (beta != 0.0f)
        for (int64_t i = 0; i < mr; ++i) std::memcpy(scratch + i * kNR, c_tile + i * ldc, nr * sizeof(float));
      micro_kernel(kc, a_panel, b_panel, alpha, beta, scratch, kNR);
      for (int64_t i = 0; i < mr; ++i) std::memcpy(c_tile + i * ldc, scratch + i * kNR, nr * sizeof(float));
    }
  }
}

// The five loops around the micro-kernel, for the block C[row0 : row0+rows,
// col0 : col0+cols] of one product (c points at C[0][0], row stride ldc).
template <int64_t kMR, int64_t kNR>
void gemm_block(MicroKernel micro_kernel, bool vector, const Operands& op, int64_t k, float alpha, float beta, float* c,
                int64_t ldc, int64_t row0, int64_t rows, int64_t col0, int64_t cols) {
  thread_local PackBuffer buffer_a, buffer_b;
  float* packed_a = buffer_a.get(kMC * kKC);
  float* packed_b = buffer_b.get(kKC * std::min(kNC, round_up(cols, kNR)));
  for (int64_t jc = col0; jc < col0 + cols; jc += kNC) {  // loop 5: nc-wide panels of B and C
    const int64_t nc = std::min(kNC, col0 + cols - jc);
    // Loop 4: kc-deep slices of the sum. The first slice applies beta; the
    // later ones add onto what the earlier slices left in C. These slices
    // depend on k only, which fixes every element's summation order.
    for (int64_t pc = 0; pc < k; pc += kKC) {
      const int64_t kc = std::min(kKC, k - pc);
      const float beta_slice = pc == 0 ? beta : 1.0f;
      auto pack_b = [&](int64_t j0, int64_t width) {
        if (op.trans_b) pack_b_transposed<kNR>(op, pc, kc, j0, width, packed_b, vector);
        else pack_b_rows<kNR>(op, pc, kc, j0, width, packed_b);
      };
      if (rows <= kMC) {
        // One block of A only (a short product, as at batch 1): each B
        // micro-panel is used once, so pack it just before use, into L1,
        // instead of packing the whole panel first and reading it back from
        // L2 or L3. The same micro-kernel calls in the same order of k, so
        // the same bits.
        if (op.trans_a) pack_a_transposed<kMR>(op, row0, rows, pc, kc, packed_a);
        else pack_a_rows<kMR>(op, row0, rows, pc, kc, packed_a);
        for (int64_t jr = jc; jr < jc + nc; jr += kNR) {
          const int64_t nr = std::min(kNR, jc + nc - jr);
          pack_b(jr, nr);
          macro_kernel<kMR, kNR>(micro_kernel, rows, nr, kc, packed_a, packed_b, alpha, beta_slice, c + row0 * ldc + jr,
                       ldc);
        }
        continue;
      }
      pack_b(jc, nc);
      for (int64_t ic = row0; ic < row0 + rows; ic += kMC) {  // loop 3: mc-tall blocks of A and C
        const int64_t mc = std::min(kMC, row0 + rows - ic);
        if (op.trans_a) pack_a_transposed<kMR>(op, ic, mc, pc, kc, packed_a);
        else pack_a_rows<kMR>(op, ic, mc, pc, kc, packed_a);
        // Loops 2 and 1 (over micro-panels) and the micro-kernel.
        macro_kernel<kMR, kNR>(micro_kernel, mc, nc, kc, packed_a, packed_b, alpha, beta_slice, c + ic * ldc + jc, ldc);
      }
    }
  }
}

// C = beta * C for an empty sum (k == 0); C is not read when beta == 0.
void scale_only(const GemmDesc& d, float* c) {
  for (int64_t e = 0; e < d.batch; ++e) {
    float* ce = c + e * d.stride_c;
    for (int64_t i = 0; i < d.m * d.n; ++i) ce[i] = d.beta == 0.0 ? 0.0f : static_cast<float>(d.beta) * ce[i];
  }
}

// The loop nest and the split between threads for one micro-kernel.
template <int64_t kMR, int64_t kNR>
void run_gemm(const GemmDesc& d, const float* a, const float* b, float* c, MicroKernel micro_kernel,
              bool vector) {
  const float alpha = static_cast<float>(d.alpha), beta = static_cast<float>(d.beta);

  // Threads: the work is cut into tasks, each a rectangle of C of one batch
  // entry, computed completely by one thread with its own packed copies.
  // Because the summation order is fixed by k, any cut gives the same bits,
  // so the cut may depend on the thread count: just enough tasks for every
  // thread, splitting a product's rows (in whole micro-panels) before its
  // columns. Each thread repacks the B panel of its own rows; that is
  // O(k n) per thread against O(m n k / threads) arithmetic.
  const bool parallel = d.batch * d.m * d.n * d.k >= kParallelMinMacs;
  const int64_t threads = parallel ? omp_get_max_threads() : 1;
  const int64_t splits = ceil_div(threads, d.batch);  // tasks wanted per product
  const int64_t row_splits = std::min(splits, ceil_div(d.m, kMR));
  const int64_t col_splits = std::min(ceil_div(splits, row_splits), ceil_div(d.n, kNR));
  const int64_t task_rows = round_up(ceil_div(d.m, row_splits), kMR);
  const int64_t task_cols = round_up(ceil_div(d.n, col_splits), kNR);
  const int64_t row_tasks = ceil_div(d.m, task_rows), col_tasks = ceil_div(d.n, task_cols);
  const int64_t tasks = d.batch * row_tasks * col_tasks;

#pragma omp parallel for schedule(static) if (threads > 1 && tasks > 1)
  for (int64_t t = 0; t < tasks; ++t) {
    const int64_t e = t / (row_tasks * col_tasks);
    const int64_t row0 = (t / col_tasks) % row_tasks * task_rows, col0 = t % col_tasks * task_cols;
    const Operands op{a + e * d.stride_a, b + e * d.stride_b, d.trans_a ? d.m : d.k, d.trans_b ? d.k : d.n,
                      d.trans_a, d.trans_b};
    gemm_block<kMR, kNR>(micro_kernel, vector, op, d.k, alpha, beta, c + e * d.stride_c, d.n, row0,
                         std::min(task_rows, d.m - row0), col0, std::min(task_cols, d.n - col0));
  }
}

// The variant NLAMMR_CPU_KERNELS asks for, or the widest the CPU has. Read
// once: every product of a process uses the same kernel, so its results do
// not change halfway through a run.
GemmF32Kernel resolve_best() {
  const char* env = std::getenv("NLAMMR_CPU_KERNELS");
  if (env && *env) {
    const GemmF32Kernel forced = parse_gemm_f32_kernel(env);
    if (!gemm_f32_kernel_available(forced))
      throw std::runtime_error(std::string("NLAMMR_CPU_KERNELS=") + env +
                               ": this CPU (or this build) cannot run that kernel");
    return forced;
  }
  if (gemm_f32_kernel_available(GemmF32Kernel::Avx512)) return GemmF32Kernel::Avx512;
  if (gemm_f32_kernel_available(GemmF32Kernel::Avx2)) return GemmF32Kernel::Avx2;
  return GemmF32Kernel::Portable;
}

}  // namespace

GemmF32Kernel parse_gemm_f32_kernel(const std::string& name) {
  if (name == "portable") return GemmF32Kernel::Portable;
  if (name == "avx2") return GemmF32Kernel::Avx2;
  if (name == "avx512") return GemmF32Kernel::Avx512;
  throw std::invalid_argument("NLAMMR_CPU_KERNELS='" + name + "': expected portable, avx2 or avx512");
}

bool gemm_f32_kernel_available(GemmF32Kernel kernel) {
  switch (kernel) {
    case GemmF32Kernel::Best:
    case GemmF32Kernel::Portable: return true;
#if NLAMMR_GEMM_X86
    case GemmF32Kernel::Avx2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case GemmF32Kernel::Avx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    case GemmF32Kernel::Avx2:
    case GemmF32Kernel::Avx512: return false;
#endif
  }
  return false;
}

GemmF32Kernel gemm_f32_selected_kernel() {
  static const GemmF32Kernel selected = resolve_best();
  return selected;
}

std::vector<GemmF32Kernel> gemm_f32_available_kernels() {
  std::vector<GemmF32Kernel> out;
  for (GemmF32Kernel k : {GemmF32Kernel::Portable, GemmF32Kernel::Avx2, GemmF32Kernel::Avx512})
    if (gemm_f32_kernel_available(k)) out.push_back(k);
  return out;
}

const char* gemm_f32_kernel_name(GemmF32Kernel kernel) {
  if (kernel == GemmF32Kernel::Best) kernel = gemm_f32_selected_kernel();
  switch (kernel) {
    case GemmF32Kernel::Avx512: return "avx512 12x32";
    case GemmF32Kernel::Avx2: return "avx2-fma 6x16";
    default: return "portable 6x16";
  }
}

void gemm_f32(const GemmDesc& d, const float* a, const float* b, float* c, GemmF32Kernel kernel) {
  if (d.batch == 0 || d.m == 0 || d.n == 0) return;
  if (d.k == 0) return scale_only(d, c);
  if (kernel == GemmF32Kernel::Best) kernel = gemm_f32_selected_kernel();
  else if (!gemm_f32_kernel_available(kernel))
    throw std::runtime_error(std::string("gemm_f32: the ") + gemm_f32_kernel_name(kernel) +
                             " kernel cannot run on this CPU");
  switch (kernel) {
#if NLAMMR_GEMM_X86
    case GemmF32Kernel::Avx512:
      return run_gemm<12, 32>(d, a, b, c, gemm_f32_detail::micro_kernel_avx512, true);
    case GemmF32Kernel::Avx2: return run_gemm<6, 16>(d, a, b, c, gemm_f32_detail::micro_kernel_avx2, true);
#endif
    default: return run_gemm<6, 16>(d, a, b, c, gemm_f32_detail::micro_kernel_portable<6, 16>, false);
  }
}

}  // namespace nlammr::cpu
