// The host GEMM behind the simulator's cuBLAS stand-in. Column-major like
// cuBLAS; each output element is a plain dot product in the compute type
// (float32 or float64), so results match the CPU backend within rounding, not
// bit for bit (neither does the real cuBLAS).
#include <cublas_v2.h>

#include "kernels/cuda_sim/sim_runtime.h"

namespace {

template <typename T>
void gemm_one(int m, int n, int k, T alpha, const T* a, int lda, bool ta, const T* b, int ldb, bool tb,
              T beta, T* c, int ldc) {
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < m; ++i) {
      T sum = T(0);
      for (int p = 0; p < k; ++p) {
        const T av = ta ? a[p + static_cast<long long>(i) * lda] : a[i + static_cast<long long>(p) * lda];
        const T bv = tb ? b[j + static_cast<long long>(p) * ldb] : b[p + static_cast<long long>(j) * ldb];
        sum += av * bv;
      }
      T& out = c[i + static_cast<long long>(j) * ldc];
      out = beta == T(0) ? alpha * sum : alpha * sum + beta * out;
    }
  // Written on the host: memcheck must know the output is initialised.
  for (int j = 0; j < n; ++j) cudasim::mark_initialized(c + static_cast<long long>(j) * ldc, sizeof(T) * m);
}

}  // namespace

struct cublasContext {
  cudaStream_t stream = nullptr;
};

cublasStatus_t cublasCreate(cublasHandle_t* handle) {
  *handle = new cublasContext;
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasDestroy(cublasHandle_t handle) {
  delete handle;
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasSetStream(cublasHandle_t handle, cudaStream_t stream) {
  if (!handle) return CUBLAS_STATUS_NOT_INITIALIZED;
  handle->stream = stream;
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasSetMathMode(cublasHandle_t handle, cublasMath_t) {
  return handle ? CUBLAS_STATUS_SUCCESS : CUBLAS_STATUS_NOT_INITIALIZED;
}
const char* cublasGetStatusName(cublasStatus_t status) {
  switch (status) {
    case CUBLAS_STATUS_SUCCESS:
      return "CUBLAS_STATUS_SUCCESS";
    case CUBLAS_STATUS_NOT_INITIALIZED:
      return "CUBLAS_STATUS_NOT_INITIALIZED";
    case CUBLAS_STATUS_INVALID_VALUE:
      return "CUBLAS_STATUS_INVALID_VALUE";
    case CUBLAS_STATUS_NOT_SUPPORTED:
      return "CUBLAS_STATUS_NOT_SUPPORTED";
  }
  return "CUBLAS_STATUS_UNKNOWN";
}
const char* cublasGetStatusString(cublasStatus_t status) {
  switch (status) {
    case CUBLAS_STATUS_SUCCESS:
      return "success";
    case CUBLAS_STATUS_NOT_INITIALIZED:
      return "the library was not initialized";
    case CUBLAS_STATUS_INVALID_VALUE:
      return "an invalid value was used as an argument";
    case CUBLAS_STATUS_NOT_SUPPORTED:
      return "the functionality requested is not supported";
  }
  return "unknown cuBLAS status";
}

cublasStatus_t cublasGemmStridedBatchedEx(cublasHandle_t handle, cublasOperation_t transa,
                                          cublasOperation_t transb, int m, int n, int k, const void* alpha,
                                          const void* A, cudaDataType_t a_type, int lda, long long stride_a,
                                          const void* B, cudaDataType_t b_type, int ldb, long long stride_b,
                                          const void* beta, void* C, cudaDataType_t c_type, int ldc,
                                          long long stride_c, int batch, cublasComputeType_t compute,
                                          cublasGemmAlgo_t) {
  if (!handle) return CUBLAS_STATUS_NOT_INITIALIZED;
  if (m < 0 || n < 0 || k < 0 || batch < 0) return CUBLAS_STATUS_INVALID_VALUE;
  if (a_type != b_type || a_type != c_type) return CUBLAS_STATUS_NOT_SUPPORTED;
  const bool ta = transa == CUBLAS_OP_T, tb = transb == CUBLAS_OP_T;
  if (c_type == CUDA_R_32F) {
    if (compute == CUBLAS_COMPUTE_64F) return CUBLAS_STATUS_NOT_SUPPORTED;
    const float al = *static_cast<const float*>(alpha), be = *static_cast<const float*>(beta);
    for (int i = 0; i < batch; ++i)
      gemm_one<float>(m, n, k, al, static_cast<const float*>(A) + i * stride_a, lda, ta,
                      static_cast<const float*>(B) + i * stride_b, ldb, tb, be,
                      static_cast<float*>(C) + i * stride_c, ldc);
    return CUBLAS_STATUS_SUCCESS;
  }
  if (compute != CUBLAS_COMPUTE_64F) return CUBLAS_STATUS_NOT_SUPPORTED;
  const double al = *static_cast<const double*>(alpha), be = *static_cast<const double*>(beta);
  for (int i = 0; i < batch; ++i)
    gemm_one<double>(m, n, k, al, static_cast<const double*>(A) + i * stride_a, lda, ta,
                     static_cast<const double*>(B) + i * stride_b, ldb, tb, be,
                     static_cast<double*>(C) + i * stride_c, ldc);
  return CUBLAS_STATUS_SUCCESS;
}
