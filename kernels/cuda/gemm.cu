// Batched matrix multiply through cuBLAS (cublasGemmStridedBatchedEx).
//
// cuBLAS is column-major; our matrices are row-major. A row-major r x c
// matrix is, byte for byte, the column-major c x r matrix of its transpose,
// so C = op(A) op(B) (row-major) is computed as the column-major product
//   C^T = op(B)^T op(A)^T
// i.e. cuBLAS gets B first and A second, with m and n swapped. No data moves.
//
// Precision: float32 products use CUBLAS_COMPUTE_32F, strict IEEE float32
// (the handle is in CUBLAS_DEFAULT_MATH mode), unless TF32 has been opted into
// (set_tf32 / NLAMMR_CUDA_TF32=1), which selects CUBLAS_COMPUTE_32F_FAST_TF32.
// float64 uses CUBLAS_COMPUTE_64F. cuBLAS gives the same bits run to run on
// one GPU model with one stream, which is how the backend uses it.
#include <climits>

#include "kernels/cuda/cublas_loader.cuh"
#include "kernels/cuda/cuda_backend_impl.cuh"
#include "kernels/cuda/device_utils.cuh"

namespace nlammr::cuda {
namespace {

template <typename T>
__global__ void scale_kernel(T* c, int64_t n, T beta) {
  for (int64_t i = first_index(); i < n; i += grid_stride()) c[i] = beta == T(0) ? T(0) : beta * c[i];
}

int checked_int(int64_t v, const char* what, const GemmDesc& d) {
  if (v < 0 || v > INT_MAX)
    throw std::runtime_error(std::string("gemm: ") + what + " = " + std::to_string(v) +
                             " exceeds cuBLAS's 32-bit limit (batch " + std::to_string(d.batch) + ", m " +
                             std::to_string(d.m) + ", n " + std::to_string(d.n) + ", k " +
                             std::to_string(d.k) + ")");
  return static_cast<int>(v);
}

}  // namespace

void CudaBackend::gemm(const GemmDesc& d, const Tensor& a, const Tensor& b, const Tensor& c) {
  if (d.batch == 0 || d.m == 0 || d.n == 0) return;
  activate();
  if (d.k == 0) {  // an empty sum: C = beta C (cuBLAS's behaviour here is not worth relying on)
    dispatch_float(c.dtype(), "gemm", [&](auto tag) {
      using T = decltype(tag);
      const int64_t n = d.batch * d.m * d.n;
      launch("scale_kernel", scale_kernel<T>, grid_blocks(n), kBlockThreads, 0, stream_, ptr<T>(c), n,
             static_cast<T>(d.beta));
    });
    NLAMMR_CUDA_LAUNCH_CHECK(stream_, "gemm (k = 0)", describe({c}));
    return;
  }
  const int m = checked_int(d.m, "m", d), n = checked_int(d.n, "n", d), k = checked_int(d.k, "k", d);
  const int batch = checked_int(d.batch, "batch", d);
  // Leading dimensions of the row-major buffers as cuBLAS sees them.
  const int ldb = d.trans_b ? k : n;
  const int lda = d.trans_a ? m : k;
  const cublasOperation_t op_b = d.trans_b ? CUBLAS_OP_T : CUBLAS_OP_N;
  const cublasOperation_t op_a = d.trans_a ? CUBLAS_OP_T : CUBLAS_OP_N;
  if (c.dtype() == DType::Float32) {
    const float alpha = static_cast<float>(d.alpha), beta = static_cast<float>(d.beta);
    const cublasComputeType_t compute = tf32_enabled() ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F;
    NLAMMR_CUBLAS_CHECK(cublas_api().gemm_strided_batched_ex(
        cublas_, op_b, op_a, n, m, k, &alpha, b.raw_data(), CUDA_R_32F, ldb, d.stride_b, a.raw_data(),
        CUDA_R_32F, lda, d.stride_a, &beta, c.raw_data(), CUDA_R_32F, n, d.stride_c, batch, compute,
        CUBLAS_GEMM_DEFAULT));
  } else if (c.dtype() == DType::Float64) {
    const double alpha = d.alpha, beta = d.beta;
    NLAMMR_CUBLAS_CHECK(cublas_api().gemm_strided_batched_ex(
        cublas_, op_b, op_a, n, m, k, &alpha, b.raw_data(), CUDA_R_64F, ldb, d.stride_b, a.raw_data(),
        CUDA_R_64F, lda, d.stride_a, &beta, c.raw_data(), CUDA_R_64F, n, d.stride_c, batch,
        CUBLAS_COMPUTE_64F, CUBLAS_GEMM_DEFAULT));
  } else {
    throw std::runtime_error(std::string("gemm: expected float32 or float64, got ") + dtype_name(c.dtype()));
  }
}

}  // namespace nlammr::cuda
