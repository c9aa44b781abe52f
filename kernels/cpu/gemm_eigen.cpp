// Matrix multiply through Eigen. Eigen's GEMM packs panels of A and B into
// cache-sized blocks and runs a register-blocked micro-kernel, the same
// structure as gemm_f32.cpp.
//
// Threads: Eigen's own parallel GEMM picks its k-blocking from the thread
// count, so the summation order (and the last bits of the result) would
// change with the number of threads. Instead Eigen always runs on one thread,
// and we split C into tiles of a fixed size, one Eigen product per tile, in
// parallel: the tiling depends only on the shapes, never on the threads.
#include "kernels/cpu/gemm_eigen.h"

#include <Eigen/Core>

#include <algorithm>

namespace nlammr::cpu {
namespace {

// Each tile repacks its panels of A and B, so larger tiles spend less time
// packing; but a product needs several tiles to keep several threads busy.
// 256 x 512 ran 4-10% faster than 128 x 256 on one thread for the BERT-shaped
// products (bench/engine_ops) and still gives a 4096-row product 8+ tiles.
constexpr int64_t kTileRows = 256;
constexpr int64_t kTileCols = 512;

template <typename T>
using RowMajor = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <typename T>
using ConstMap = Eigen::Map<const RowMajor<T>>;
template <typename T>
using Map = Eigen::Map<RowMajor<T>>;

// One tile: C[r0:r0+rn, c0:c0+cn] = alpha op(A)[rows] op(B)[:, cols] + beta C[tile].
template <typename T, typename AExpr, typename BExpr>
void tile_product(const GemmDesc& d, const AExpr& A, const BExpr& B, Map<T>& C, int64_t r0, int64_t rn,
                  int64_t c0, int64_t cn) {
  auto c = C.block(r0, c0, rn, cn);
  auto a = A.middleRows(r0, rn);
  auto b = B.middleCols(c0, cn);
  if (d.beta == 0.0) {
    c.noalias() = a * b;
    if (d.alpha != 1.0) c *= static_cast<T>(d.alpha);
  } else {
    if (d.beta != 1.0) c *= static_cast<T>(d.beta);
    c.noalias() += static_cast<T>(d.alpha) * (a * b);
  }
}

// A row-major matrix stored as [k, m] and read transposed is the same memory
// as a column-major [m, k], so a transpose costs nothing.
template <typename T>
void tile(const GemmDesc& d, const T* a, const T* b, T* c, int64_t r0, int64_t rn, int64_t c0, int64_t cn) {
  Map<T> C(c, d.m, d.n);
  ConstMap<T> A(a, d.trans_a ? d.k : d.m, d.trans_a ? d.m : d.k);
  ConstMap<T> B(b, d.trans_b ? d.n : d.k, d.trans_b ? d.k : d.n);
  if (d.trans_a && d.trans_b) tile_product<T>(d, A.transpose(), B.transpose(), C, r0, rn, c0, cn);
  else if (d.trans_a) tile_product<T>(d, A.transpose(), B, C, r0, rn, c0, cn);
  else if (d.trans_b) tile_product<T>(d, A, B.transpose(), C, r0, rn, c0, cn);
  else tile_product<T>(d, A, B, C, r0, rn, c0, cn);
}

}  // namespace

template <typename T>
void gemm_eigen(const GemmDesc& d, const T* a, const T* b, T* c) {
  static const bool eigen_single_threaded = [] {
    Eigen::setNbThreads(1);
    return true;
  }();
  (void)eigen_single_threaded;
  if (d.batch == 0 || d.m == 0 || d.n == 0) return;
  if (d.k == 0) {  // empty sum: C = beta C
    for (int64_t e = 0; e < d.batch; ++e)
      for (int64_t i = 0; i < d.m * d.n; ++i) {
        T& ci = c[e * d.stride_c + i];
        ci = d.beta == 0.0 ? T(0) : T(d.beta) * ci;
      }
    return;
  }
  const int64_t row_tiles = (d.m + kTileRows - 1) / kTileRows;
  const int64_t col_tiles = (d.n + kTileCols - 1) / kTileCols;
  const int64_t tasks = d.batch * row_tiles * col_tiles;
  const bool parallel = tasks > 1 && d.batch * d.m * d.n * d.k > (1 << 15);
#pragma omp parallel for schedule(static) if (parallel)
  for (int64_t t = 0; t < tasks; ++t) {
    const int64_t i = t / (row_tiles * col_tiles);
    const int64_t rt = (t / col_tiles) % row_tiles, ct = t % col_tiles;
    const int64_t r0 = rt * kTileRows, c0 = ct * kTileCols;
    tile<T>(d, a + i * d.stride_a, b + i * d.stride_b, c + i * d.stride_c, r0, std::min(kTileRows, d.m - r0),
            c0, std::min(kTileCols, d.n - c0));
  }
}

template void gemm_eigen<float>(const GemmDesc&, const float*, const float*, float*);
template void gemm_eigen<double>(const GemmDesc&, const double*, const double*, double*);

}  // namespace nlammr::cpu
