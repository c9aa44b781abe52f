// cuBLAS, loaded when the first CUDA backend is created rather than when the
// program starts. A CUDA build linked against libcublas would not even start
// on a machine without the CUDA libraries; loaded here with dlopen, it runs
// its CPU path anywhere, and only asking for a CUDA device needs cuBLAS.
#pragma once

#include <cublas_v2.h>

namespace nlammr::cuda {

// The cuBLAS entry points the backend calls.
struct CublasApi {
  cublasStatus_t (*create)(cublasHandle_t*);
  cublasStatus_t (*set_stream)(cublasHandle_t, cudaStream_t);
  cublasStatus_t (*set_math_mode)(cublasHandle_t, cublasMath_t);
  const char* (*status_name)(cublasStatus_t);
  const char* (*status_string)(cublasStatus_t);
  cublasStatus_t (*gemm_strided_batched_ex)(cublasHandle_t, cublasOperation_t, cublasOperation_t, int, int,
                                            int, const void*, const void*, cudaDataType, int, long long int,
                                            const void*, cudaDataType, int, long long int, const void*, void*,
                                            cudaDataType, int, long long int, int, cublasComputeType_t,
                                            cublasGemmAlgo_t);
};

// Loads the library on first use; throws std::runtime_error naming the
// library and the loader's message when it is missing.
const CublasApi& cublas_api();

// True once cublas_api() has loaded the library (for tests).
bool cublas_loaded();

}  // namespace nlammr::cuda
