// The CPU backend's matrix multiply: a dispatch on the dtype.
//
// float32, what every model runs, goes to the engine's own packed,
// register-blocked GEMM (gemm_f32.cpp), which is faster than Eigen's on the
// shapes of BERT (docs/benchmarks.md, "GEMM"). float64 is used only by the
// gradient checks, where speed matters little, and goes to Eigen
// (gemm_eigen.cpp). Both give results that do not depend on the thread count.
#include "kernels/cpu/common.h"
#include "kernels/cpu/cpu_backend.h"
#include "kernels/cpu/gemm_eigen.h"
#include "kernels/cpu/gemm_f32.h"

namespace nlammr {

void CpuBackend::gemm(const GemmDesc& d, const Tensor& a, const Tensor& b, const Tensor& c) {
  switch (c.dtype()) {
    case DType::Float32: return cpu::gemm_f32(d, cpu::ptr<float>(a), cpu::ptr<float>(b), cpu::ptr<float>(c));
    case DType::Float64:
      return cpu::gemm_eigen(d, cpu::ptr<double>(a), cpu::ptr<double>(b), cpu::ptr<double>(c));
    default:
      throw std::runtime_error(std::string("gemm: expected float32 or float64, got ") +
                               dtype_name(c.dtype()));
  }
}

}  // namespace nlammr
