// The one qualifier of the small functions that both backends compile: the
// CPU kernels and the unit tests call them on the host, the CUDA kernels on
// the device. Under nvcc (__CUDACC__) they are __host__ __device__ and always
// inlined; under a host compiler, including the CUDA simulator's build of
// kernels/cuda (whose stand-in headers do not define __CUDACC__), plain inline.
#pragma once

#if defined(__CUDACC__)
#define NLAMMR_HOST_DEVICE __host__ __device__ __forceinline__
#else
#define NLAMMR_HOST_DEVICE inline
#endif
