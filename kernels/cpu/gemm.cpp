// Matrix multiply through Eigen. Eigen's GEMM packs panels of A and B into
// cache-sized blocks and runs a register-blocked micro-kernel; writing our
// own would teach less than reading Eigen's and run slower.
#include <Eigen/Core>
#include <omp.h>

#include "kernels/cpu/common.h"
#include "kernels/cpu/cpu_backend.h"

namespace nlammr {
namespace {

template <typename T>
using RowMajor = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <typename T>
using ConstMap = Eigen::Map<const RowMajor<T>>;
template <typename T>
using Map = Eigen::Map<RowMajor<T>>;

// One product C = alpha op(A) op(B) + beta C. A row-major matrix stored as
// [k, m] and read transposed is the same memory as a column-major [m, k], so
// a transpose costs nothing.
template <typename T>
void gemm_one(const GemmDesc& d, const T* a, const T* b, T* c) {
  Map<T> C(c, d.m, d.n);
  auto run = [&](const auto& A, const auto& B) {
    if (d.beta == 0.0) {
      C.noalias() = A * B;
      if (d.alpha != 1.0) C *= static_cast<T>(d.alpha);
    } else {
      if (d.beta != 1.0) C *= static_cast<T>(d.beta);
      C.noalias() += static_cast<T>(d.alpha) * (A * B);
    }
  };
  ConstMap<T> A(a, d.trans_a ? d.k : d.m, d.trans_a ? d.m : d.k);
  ConstMap<T> B(b, d.trans_b ? d.n : d.k, d.trans_b ? d.k : d.n);
  if (d.trans_a && d.trans_b) run(A.transpose(), B.transpose());
  else if (d.trans_a) run(A.transpose(), B);
  else if (d.trans_b) run(A, B.transpose());
  else run(A, B);
}

}  // namespace

void CpuBackend::gemm(const GemmDesc& d, const Tensor& a, const Tensor& b, const Tensor& c) {
  cpu::dispatch_float(c.dtype(), "gemm", [&](auto tag) {
    using T = decltype(tag);
    const T* ap = cpu::ptr<T>(a);
    const T* bp = cpu::ptr<T>(b);
    T* cp = cpu::ptr<T>(c);
    if (d.m == 0 || d.n == 0) return;
    if (d.k == 0) {  // empty sum: C = beta C
      for (int64_t i = 0; i < d.batch * d.m * d.n; ++i) cp[i] = d.beta == 0.0 ? T(0) : T(d.beta) * cp[i];
      return;
    }
    // Many small products (attention heads, a batch of visits): one per
    // thread, Eigen single-threaded inside. Few large ones: Eigen threads
    // each product itself.
    const bool across_batch = d.batch >= omp_get_max_threads() && d.batch > 1;
#pragma omp parallel for schedule(static) if (across_batch)
    for (int64_t i = 0; i < d.batch; ++i)
      gemm_one<T>(d, ap + i * d.stride_a, bp + i * d.stride_b, cp + i * d.stride_c);
  });
}

}  // namespace nlammr
