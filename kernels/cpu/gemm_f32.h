// A float32 matrix multiply written out in full: packed panels, cache
// blocking and a register-blocked micro-kernel (the structure of GotoBLAS and
// BLIS). The CPU backend's gemm() uses it for float32; float64 goes to Eigen.
//
//   C[b] = alpha * op(A[b]) . op(B[b]) + beta * C[b]   for b < d.batch
//
// with the layout of GemmDesc (engine/backend.h): row-major, op(X) = X or its
// transpose, batch strides in elements (0 = the same matrix for every entry).
// When beta == 0, C is not read (it may hold garbage or NaN).
//
// Deterministic: every element of C is summed in an order fixed by k alone,
// so results are bit-identical for any number of threads.
#pragma once

#include <cstdint>

#include "engine/backend.h"

namespace nlammr::cpu {

// The innermost kernel to use. Best is the AVX2/FMA kernel when the build
// targets a CPU that has both (-march=native, NLAMMR_NATIVE), else the
// portable one; Portable forces the portable kernel, so that tests check it
// on every machine.
enum class GemmF32Kernel { Best, Portable };

// Runs on the OpenMP threads available (omp_get_max_threads()) when the
// product is large enough to be worth splitting.
void gemm_f32(const GemmDesc& d, const float* a, const float* b, float* c,
              GemmF32Kernel kernel = GemmF32Kernel::Best);

// The name of the micro-kernel that `kernel` selects in this build
// ("avx2-fma 6x16" or "portable 6x16"), for benchmark reports.
const char* gemm_f32_kernel_name(GemmF32Kernel kernel = GemmF32Kernel::Best);

}  // namespace nlammr::cpu
