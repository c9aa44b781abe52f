// The engine's own float32 GEMM (kernels/cpu/gemm_f32.cpp) against a naive
// float64 product, for shapes that end in partial micro-tiles and partial
// cache blocks, all transpose combinations, alpha/beta, batches with shared
// operands, and 1, 2 or 4 threads. Every micro-kernel the CPU can run is
// checked (portable everywhere; AVX2 + FMA and AVX-512 where present), and
// where both vector kernels run, that they give the same bits.
//
// Two kinds of input:
//  - small integers: every product and partial sum is an integer far below
//    2^24, so float32 arithmetic is exact in any summation order, and the
//    result must equal the reference exactly. A wrong index, a lost or
//    doubled term or a misplaced edge shows up as a wrong integer.
//  - random reals: the result must lie within the rounding-error bound of a
//    k-term dot product, |error| <= (k + 2) u (|alpha| sum_p |a_ip b_pj| +
//    |beta c_ij|), u = 2^-24 (with a factor of 2 to spare).
#include <doctest/doctest.h>
#include <omp.h>

#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/cpu/gemm_f32.h"

using namespace nlammr;
using cpu::GemmF32Kernel;

namespace {

struct Dims {
  int64_t m, n, k;
};

// Shapes around the kernels' sizes: micro-tiles 6 x 16 and 12 x 32, blocks
// kc = 256, mc = 144, nc = 3072.
const std::vector<Dims> kShapes = {
    {1, 1, 1},    {7, 17, 3},    {6, 16, 256},  {5, 15, 257},  {13, 33, 1},  {12, 32, 7},
    {11, 31, 40}, {25, 65, 30},  {145, 40, 9},  {12, 3073, 5}, {37, 29, 600}, {150, 70, 513},
};

// The stored operands of one product: A is m x k (k x m when transposed), B
// is k x n (n x k when transposed); each batch entry at its own offset.
struct Problem {
  GemmDesc d;
  std::vector<float> a, b, c;
};

// Fills a problem: entries are small integers when `integers`, else uniform
// reals in [-1, 1]. Batch strides are the matrix sizes unless `shared_a` /
// `shared_b` (stride 0) or `pad_c` (extra elements between the C matrices,
// which must never be written).
Problem make_problem(Dims s, bool ta, bool tb, int64_t batch, bool integers, unsigned seed,
                     bool shared_a = false, bool shared_b = false, int64_t pad_c = 0) {
  Problem p;
  p.d.batch = batch, p.d.m = s.m, p.d.n = s.n, p.d.k = s.k;
  p.d.trans_a = ta, p.d.trans_b = tb;
  p.d.stride_a = shared_a ? 0 : s.m * s.k;
  p.d.stride_b = shared_b ? 0 : s.k * s.n;
  p.d.stride_c = s.m * s.n + pad_c;
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> small(-3, 3);
  std::uniform_real_distribution<float> real(-1.0f, 1.0f);
  auto draw = [&] { return integers ? static_cast<float>(small(rng)) : real(rng); };
  auto fill = [&](std::vector<float>& v, int64_t count) {
    v.resize(static_cast<size_t>(count));
    for (float& x : v) x = draw();
  };
  fill(p.a, shared_a ? s.m * s.k : batch * s.m * s.k);
  fill(p.b, shared_b ? s.k * s.n : batch * s.k * s.n);
  fill(p.c, batch * p.d.stride_c);
  return p;
}

float a_at(const Problem& p, int64_t e, int64_t i, int64_t q) {
  const float* a = p.a.data() + e * p.d.stride_a;
  return p.d.trans_a ? a[q * p.d.m + i] : a[i * p.d.k + q];
}
float b_at(const Problem& p, int64_t e, int64_t q, int64_t j) {
  const float* b = p.b.data() + e * p.d.stride_b;
  return p.d.trans_b ? b[j * p.d.k + q] : b[q * p.d.n + j];
}

// Runs gemm_f32 on a copy of p.c and compares every element with the float64
// product; `exact` demands equality, otherwise the rounding bound applies.
// C's padding between batch entries must come back untouched.
void check_against_reference(const Problem& p, GemmF32Kernel kernel, bool exact) {
  std::vector<float> c = p.c;
  cpu::gemm_f32(p.d, p.a.data(), p.b.data(), c.data(), kernel);
  const double u = std::ldexp(1.0, -24);
  int64_t wrong = 0;
  for (int64_t e = 0; e < p.d.batch; ++e) {
    for (int64_t i = 0; i < p.d.m; ++i)
      for (int64_t j = 0; j < p.d.n; ++j) {
        double dot = 0.0, magnitude = 0.0;
        for (int64_t q = 0; q < p.d.k; ++q) {
          const double t = double(a_at(p, e, i, q)) * b_at(p, e, q, j);
          dot += t, magnitude += std::fabs(t);
        }
        const int64_t at = e * p.d.stride_c + i * p.d.n + j;
        const double c0 = p.d.beta == 0.0 ? 0.0 : p.d.beta * p.c[at];
        const double want = p.d.alpha * dot + c0;
        const double scale = std::fabs(p.d.alpha) * magnitude + std::fabs(c0);
        const double bound = exact ? 0.0 : 2.0 * (p.d.k + 2) * u * scale;
        if (!(std::fabs(c[at] - want) <= bound) && wrong++ < 3)
          FAIL_CHECK("C[" << e << "][" << i << "][" << j << "] = " << c[at] << ", expected " << want);
      }
    for (int64_t at = e * p.d.stride_c + p.d.m * p.d.n; at < (e + 1) * p.d.stride_c; ++at)
      if (c[at] != p.c[at] && wrong++ < 3) FAIL_CHECK("padding element " << at << " of C was written");
  }
  CHECK(wrong == 0);
}

std::string describe(Dims s, bool ta, bool tb, GemmF32Kernel kernel) {
  return std::to_string(s.m) + "x" + std::to_string(s.n) + "x" + std::to_string(s.k) + (ta ? " Aᵀ" : " A") +
         (tb ? " Bᵀ" : " B") + " " + cpu::gemm_f32_kernel_name(kernel);
}

// Every kernel this CPU can run; Best is one of them.
const std::vector<GemmF32Kernel> kKernels = cpu::gemm_f32_available_kernels();

}  // namespace

TEST_CASE("gemm_f32 is exact on small integers for every shape and transpose") {
  for (GemmF32Kernel kernel : kKernels)
    for (Dims s : kShapes)
      for (bool ta : {false, true})
        for (bool tb : {false, true}) {
          CAPTURE(describe(s, ta, tb, kernel));
          Problem p = make_problem(s, ta, tb, 1, true, 11);
          check_against_reference(p, kernel, true);
          p.d.alpha = 0.5, p.d.beta = -2.0;  // powers of two keep the arithmetic exact
          check_against_reference(p, kernel, true);
        }
}

TEST_CASE("gemm_f32 crosses every cache block: m > mc, n > nc, k > kc") {
  // 145 x 3073 x 257: one row past mc = 144, one column past nc = 3072, one
  // step past kc = 256. The transposed combinations use the other packing
  // routines.
  for (GemmF32Kernel kernel : kKernels)
    for (bool ta : {false, true})
      for (bool tb : {false, true}) {
        const Dims s{145, 3073, 257};
        CAPTURE(describe(s, ta, tb, kernel));
        Problem p = make_problem(s, ta, tb, 1, true, 12);
        p.d.beta = 1.0;
        check_against_reference(p, kernel, true);
      }
}

TEST_CASE("gemm_f32 on real numbers stays within the float32 rounding bound") {
  for (GemmF32Kernel kernel : kKernels)
    for (Dims s : kShapes)
      for (bool ta : {false, true})
        for (bool tb : {false, true}) {
          CAPTURE(describe(s, ta, tb, kernel));
          Problem p = make_problem(s, ta, tb, 1, false, 13);
          p.d.alpha = 0.37, p.d.beta = -1.3;
          check_against_reference(p, kernel, false);
          p.d.alpha = 1.0, p.d.beta = 1.0;
          check_against_reference(p, kernel, false);
        }
}

TEST_CASE("gemm_f32 with beta = 0 overwrites a NaN-filled C without reading it") {
  for (GemmF32Kernel kernel : kKernels)
    for (Dims s : {Dims{7, 17, 3}, Dims{12, 32, 300}, Dims{145, 40, 9}}) {
      CAPTURE(describe(s, false, true, kernel));
      Problem p = make_problem(s, false, true, 2, true, 14);
      std::fill(p.c.begin(), p.c.end(), std::numeric_limits<float>::quiet_NaN());
      check_against_reference(p, kernel, true);  // the reference ignores C when beta == 0
      p.d.alpha = 2.0;
      check_against_reference(p, kernel, true);
    }
}

TEST_CASE("gemm_f32 with an empty sum or an empty C") {
  for (GemmF32Kernel kernel : kKernels) {
    // k = 0: C = beta C, and C = 0 when beta = 0 even if C held NaN.
    Problem p = make_problem({3, 5, 0}, false, false, 2, true, 15);
    p.d.beta = 0.5;
    check_against_reference(p, kernel, true);
    p.d.beta = 0.0;
    std::fill(p.c.begin(), p.c.end(), std::numeric_limits<float>::quiet_NaN());
    check_against_reference(p, kernel, true);
    // m = 0, n = 0 or batch = 0: nothing to compute and nothing written
    // (C holds one sentinel element that must survive).
    for (GemmDesc d : {GemmDesc{1, 0, 4, 3}, GemmDesc{1, 4, 0, 3}, GemmDesc{0, 4, 4, 3}}) {
      std::vector<float> a(12, 1.0f), b(12, 1.0f), c(1, 42.0f);
      cpu::gemm_f32(d, a.data(), b.data(), c.data(), kernel);
      CHECK(c[0] == 42.0f);
    }
  }
}

TEST_CASE("gemm_f32 batches, with shared operands (stride 0) and gaps between the Cs") {
  for (GemmF32Kernel kernel : kKernels)
    for (bool ta : {false, true})
      for (bool tb : {false, true})
        for (Dims s : {Dims{7, 17, 3}, Dims{40, 50, 260}}) {
          CAPTURE(describe(s, ta, tb, kernel));
          check_against_reference(make_problem(s, ta, tb, 3, true, 16), kernel, true);
          check_against_reference(make_problem(s, ta, tb, 3, true, 17, true, false), kernel, true);
          check_against_reference(make_problem(s, ta, tb, 3, true, 18, false, true, 7), kernel, true);
          Problem p = make_problem(s, ta, tb, 3, false, 19, true, false, 5);
          p.d.beta = 1.0;
          check_against_reference(p, kernel, false);
        }
}

TEST_CASE("gemm_f32 gives identical bits on 1, 2 and 4 threads") {
  // Shapes that split into tasks of rows, of columns, or of batch entries,
  // with real numbers (where summation order would show in the last bits).
  struct Case {
    Dims s;
    int64_t batch;
    bool ta, tb;
  };
  const Case cases[] = {{{145, 3073, 257}, 1, false, true},
                        {{301, 95, 700}, 1, true, false},
                        {{5, 700, 300}, 1, false, false},
                        {{50, 60, 70}, 3, true, true}};
  const int saved = omp_get_max_threads();
  for (GemmF32Kernel kernel : kKernels)
    for (const Case& cs : cases) {
      CAPTURE(describe(cs.s, cs.ta, cs.tb, kernel));
      Problem p = make_problem(cs.s, cs.ta, cs.tb, cs.batch, false, 20);
      p.d.alpha = 0.7, p.d.beta = 0.3;
      std::vector<float> results[3];
      const int threads[3] = {1, 2, 4};
      for (int t = 0; t < 3; ++t) {
        omp_set_num_threads(threads[t]);
        results[t] = p.c;
        cpu::gemm_f32(p.d, p.a.data(), p.b.data(), results[t].data(), kernel);
      }
      omp_set_num_threads(saved);
      CHECK(results[0] == results[1]);
      CHECK(results[0] == results[2]);
      CHECK(results[0] != p.c);  // C was actually computed
    }
}

TEST_CASE("the AVX2 and AVX-512 kernels give identical bits, so a binary computes the same on either CPU") {
  // Only where the CPU runs both; elsewhere there is one vector kernel and
  // nothing to compare.
  if (!cpu::gemm_f32_kernel_available(GemmF32Kernel::Avx2) ||
      !cpu::gemm_f32_kernel_available(GemmF32Kernel::Avx512))
    return;
  for (Dims s : kShapes)
    for (bool ta : {false, true})
      for (bool tb : {false, true}) {
        CAPTURE(describe(s, ta, tb, GemmF32Kernel::Avx512));
        Problem p = make_problem(s, ta, tb, 2, false, 21);
        for (double beta : {0.0, 1.0, -0.6}) {
          p.d.alpha = 0.9, p.d.beta = beta;
          std::vector<float> c2 = p.c, c512 = p.c;
          cpu::gemm_f32(p.d, p.a.data(), p.b.data(), c2.data(), GemmF32Kernel::Avx2);
          cpu::gemm_f32(p.d, p.a.data(), p.b.data(), c512.data(), GemmF32Kernel::Avx512);
          CHECK(c2 == c512);
        }
      }
}

TEST_CASE("NLAMMR_CPU_KERNELS names a kernel; anything else is an error that says what is allowed") {
  CHECK(cpu::parse_gemm_f32_kernel("portable") == GemmF32Kernel::Portable);
  CHECK(cpu::parse_gemm_f32_kernel("avx2") == GemmF32Kernel::Avx2);
  CHECK(cpu::parse_gemm_f32_kernel("avx512") == GemmF32Kernel::Avx512);
  CHECK_THROWS_WITH_AS(cpu::parse_gemm_f32_kernel("sse"),
                       doctest::Contains("expected portable, avx2 or avx512"), std::invalid_argument);
  // The selected kernel is one the CPU can run, and the portable one always is.
  CHECK(cpu::gemm_f32_kernel_available(cpu::gemm_f32_selected_kernel()));
  CHECK(cpu::gemm_f32_kernel_available(GemmF32Kernel::Portable));
}
