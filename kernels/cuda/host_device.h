// Qualifiers for small functions shared by host code (where the unit tests
// run them) and CUDA device code (where the kernels run them).
#pragma once

#if defined(__CUDACC__)
#define NLAMMR_HD __host__ __device__ __forceinline__
#else
#define NLAMMR_HD inline
#endif
