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
#include <string>
#include <vector>

#include "engine/backend.h"

namespace nlammr::cpu {

// The micro-kernel to use. Best is the one chosen once per process: the
// widest the CPU has (AVX-512F, else AVX2 + FMA, else portable), found by
// cpuid at run time so that one binary is fast on every x86-64 machine, or
// the one the environment variable NLAMMR_CPU_KERNELS names (portable, avx2
// or avx512; an error if the CPU lacks it), to compare or test them. The
// others force one kernel; tests run each one the CPU supports.
//
// Results: bit-identical across thread counts for every kernel; Avx2 and
// Avx512 give identical bits to each other (the same operations per element,
// gemm_f32_microkernel.h); Portable's differ from theirs in the last bits.
enum class GemmF32Kernel { Best, Portable, Avx2, Avx512 };

// Runs on the OpenMP threads available (omp_get_max_threads()) when the
// product is large enough to be worth splitting. Throws std::runtime_error
// for a forced kernel the CPU cannot run.
void gemm_f32(const GemmDesc& d, const float* a, const float* b, float* c,
              GemmF32Kernel kernel = GemmF32Kernel::Best);

// Whether this CPU (and this build) can run `kernel`.
bool gemm_f32_kernel_available(GemmF32Kernel kernel);
// The kernels this CPU can run, Portable first.
std::vector<GemmF32Kernel> gemm_f32_available_kernels();
// What Best stands for in this process (reads NLAMMR_CPU_KERNELS once).
GemmF32Kernel gemm_f32_selected_kernel();
// "portable", "avx2" or "avx512" to the kernel; std::invalid_argument otherwise.
GemmF32Kernel parse_gemm_f32_kernel(const std::string& name);

// The name of the micro-kernel that `kernel` selects ("avx512 12x32",
// "avx2-fma 6x16" or "portable 6x16"), for benchmark reports.
const char* gemm_f32_kernel_name(GemmF32Kernel kernel = GemmF32Kernel::Best);

}  // namespace nlammr::cpu
