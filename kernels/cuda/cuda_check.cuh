// Error checks for every CUDA runtime and cuBLAS call, and for every kernel
// launch. A failure throws std::runtime_error naming the call (or the kernel
// and the shapes it was launched for), the file and line, and CUDA's message.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <string>

#include "kernels/cuda/cuda_backend.h"

namespace nlammr::cuda {

[[noreturn]] void throw_cuda_error(const char* call, cudaError_t err, const char* file, int line);
[[noreturn]] void throw_cublas_error(const char* call, cublasStatus_t status, const char* file, int line);
[[noreturn]] void throw_kernel_error(const char* kernel, const std::string& shapes, cudaError_t err);

}  // namespace nlammr::cuda

#define NLAMMR_CUDA_CHECK(call)                                                 \
  do {                                                                          \
    const cudaError_t nlammr_err_ = (call);                                     \
    if (nlammr_err_ != cudaSuccess)                                             \
      ::nlammr::cuda::throw_cuda_error(#call, nlammr_err_, __FILE__, __LINE__); \
  } while (0)

#define NLAMMR_CUBLAS_CHECK(call)                                                    \
  do {                                                                               \
    const cublasStatus_t nlammr_status_ = (call);                                    \
    if (nlammr_status_ != CUBLAS_STATUS_SUCCESS)                                     \
      ::nlammr::cuda::throw_cublas_error(#call, nlammr_status_, __FILE__, __LINE__); \
  } while (0)

// Placed right after a kernel launch on `stream`. Reports a failed launch
// (bad configuration, too much shared memory) and, in the debug mode of
// set_sync_after_launch(), a fault during execution. `shapes` (a std::string
// expression describing the arguments) is only evaluated on failure.
#define NLAMMR_CUDA_LAUNCH_CHECK(stream, kernel, shapes)                                               \
  do {                                                                                                 \
    cudaError_t nlammr_err_ = cudaGetLastError();                                                      \
    if (nlammr_err_ == cudaSuccess && ::nlammr::cuda::sync_after_launch())                             \
      nlammr_err_ = cudaStreamSynchronize(stream);                                                     \
    if (nlammr_err_ != cudaSuccess) ::nlammr::cuda::throw_kernel_error(kernel, (shapes), nlammr_err_); \
  } while (0)
