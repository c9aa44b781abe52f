// Matrix multiply through Eigen, with the same contract as gemm_f32 (see
// gemm_f32.h): C[b] = alpha * op(A[b]) . op(B[b]) + beta * C[b], row-major,
// batch strides in elements (0 = shared), C not read when beta == 0.
//
// The CPU backend uses it for float64 (the gradient checks). It stays
// callable for float32 as well, so that bench/gemm can measure the engine's
// own float32 GEMM against it in the same run.
#pragma once

#include "engine/backend.h"

namespace nlammr::cpu {

template <typename T>
void gemm_eigen(const GemmDesc& d, const T* a, const T* b, T* c);

extern template void gemm_eigen<float>(const GemmDesc&, const float*, const float*, float*);
extern template void gemm_eigen<double>(const GemmDesc&, const double*, const double*, double*);

}  // namespace nlammr::cpu
