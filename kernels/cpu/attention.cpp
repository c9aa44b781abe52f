// Fused scaled dot-product attention, the CPU reference of the FlashAttention-2
// algorithm (Dao, 2023) that the CUDA kernel implements.
//
// Forward, per (batch, head): the queries are processed in blocks; for each
// block we stream over blocks of keys, keeping for every query row the
// running maximum m, the running softmax denominator l and an unnormalised
// output accumulator. When a new key block raises the maximum, what was
// accumulated so far is rescaled by exp(m_old - m_new) ("online softmax").
// The full Sq x Sk score matrix never exists; we save only the log-sum-exp
// lse = m + log(l) of each row.
//
// Backward: the probabilities are recomputed block by block from lse,
// P = exp(S - lse), and with D = rowsum(dO * O):
//   dV += Pᵀ dO,  dP = dO Vᵀ,  dS = P * (dP - D),  dQ += scale dS K,  dK += scale dSᵀ Q.
//
// Masked keys get score -inf (probability 0). A query whose keys are all
// masked has no distribution: its output is 0, its lse -inf, its gradients 0.
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "kernels/cpu/common.h"
#include "kernels/cpu/cpu_backend.h"
#include "kernels/cpu/vector_math.h"

namespace nlammr {
namespace {

constexpr int64_t kBlockQ = 64;
constexpr int64_t kBlockK = 64;

template <typename T>
using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <typename T>
using ConstBlock = Eigen::Map<const Matrix<T>>;
template <typename T>
using Block = Eigen::Map<Matrix<T>>;

struct Dims {
  int64_t batch, heads, sq, sk, d;
};

Dims dims_of(const Tensor& q, const Tensor& k) {
  return {q.size(0), q.size(1), q.size(2), k.size(2), q.size(3)};
}

// Scores of a query block against a key block, masked keys set to -inf.
template <typename T>
void block_scores(const T* q, const T* k, const uint8_t* mask, int64_t rows, int64_t cols, int64_t d,
                  T scale, Matrix<T>& s) {
  s.resize(rows, cols);
  s.noalias() = scale * (ConstBlock<T>(q, rows, d) * ConstBlock<T>(k, cols, d).transpose());
  if (mask)
    for (int64_t c = 0; c < cols; ++c)
      if (!mask[c]) s.col(c).setConstant(-std::numeric_limits<T>::infinity());
}

template <typename T>
void forward_head(const T* q, const T* k, const T* v, const uint8_t* mask, const Dims& n, T scale, T* out,
                  T* lse) {
  const T neg_inf = -std::numeric_limits<T>::infinity();
  Matrix<T> s, acc;
  std::vector<T> m(kBlockQ), l(kBlockQ);
  for (int64_t q0 = 0; q0 < n.sq; q0 += kBlockQ) {
    const int64_t rows = std::min(kBlockQ, n.sq - q0);
    acc.setZero(rows, n.d);
    std::fill(m.begin(), m.end(), neg_inf);
    std::fill(l.begin(), l.end(), T(0));
    for (int64_t k0 = 0; k0 < n.sk; k0 += kBlockK) {
      const int64_t cols = std::min(kBlockK, n.sk - k0);
      block_scores(q + q0 * n.d, k + k0 * n.d, mask ? mask + k0 : nullptr, rows, cols, n.d, scale, s);
      for (int64_t r = 0; r < rows; ++r) {
        const T m_new = std::max(m[r], s.row(r).maxCoeff());
        if (m_new == neg_inf) {  // every key so far masked: nothing to add
          s.row(r).setZero();
          continue;
        }
        const T correction = std::exp(m[r] - m_new);  // exp(-inf) = 0 on the first block
        T* p = s.row(r).data();
        for (int64_t c = 0; c < cols; ++c) p[c] = cpu::fast_exp(p[c] - m_new);
        const double row_sum = cpu::lane_sum(cols, [p](int64_t c) { return static_cast<double>(p[c]); });
        l[r] = l[r] * correction + static_cast<T>(row_sum);
        acc.row(r) *= correction;
        m[r] = m_new;
      }
      acc.noalias() += s * ConstBlock<T>(v + k0 * n.d, cols, n.d);
    }
    for (int64_t r = 0; r < rows; ++r) {
      Block<T> o(out + (q0 + r) * n.d, 1, n.d);
      if (l[r] > T(0)) {
        o = acc.row(r) / l[r];
        lse[q0 + r] = m[r] + std::log(l[r]);
      } else {
        o.setZero();
        lse[q0 + r] = neg_inf;
      }
    }
  }
}

template <typename T>
void backward_head(const T* q, const T* k, const T* v, const T* o, const T* lse, const T* go,
                   const uint8_t* mask, const Dims& n, T scale, T* gq, T* gk, T* gv) {
  const T neg_inf = -std::numeric_limits<T>::infinity();
  std::vector<T> dsum(n.sq);  // D = rowsum(dO * O)
  for (int64_t i = 0; i < n.sq; ++i) {
    T acc = 0;
    for (int64_t c = 0; c < n.d; ++c) acc += go[i * n.d + c] * o[i * n.d + c];
    dsum[i] = acc;
  }
  Block<T>(gq, n.sq, n.d).setZero();
  Block<T>(gk, n.sk, n.d).setZero();
  Block<T>(gv, n.sk, n.d).setZero();
  Matrix<T> p, dp;
  for (int64_t k0 = 0; k0 < n.sk; k0 += kBlockK) {
    const int64_t cols = std::min(kBlockK, n.sk - k0);
    ConstBlock<T> kb(k + k0 * n.d, cols, n.d), vb(v + k0 * n.d, cols, n.d);
    Block<T> gkb(gk + k0 * n.d, cols, n.d), gvb(gv + k0 * n.d, cols, n.d);
    for (int64_t q0 = 0; q0 < n.sq; q0 += kBlockQ) {
      const int64_t rows = std::min(kBlockQ, n.sq - q0);
      ConstBlock<T> qb(q + q0 * n.d, rows, n.d), gob(go + q0 * n.d, rows, n.d);
      block_scores(q + q0 * n.d, k + k0 * n.d, mask ? mask + k0 : nullptr, rows, cols, n.d, scale, p);
      for (int64_t r = 0; r < rows; ++r) {
        const T row_lse = lse[q0 + r];
        T* pr = p.row(r).data();
        if (row_lse == neg_inf) {  // every key masked: no probabilities
          std::fill(pr, pr + cols, T(0));
          continue;
        }
        for (int64_t c = 0; c < cols; ++c) pr[c] = cpu::fast_exp(pr[c] - row_lse);
      }
      gvb.noalias() += p.transpose() * gob;
      dp.noalias() = gob * vb.transpose();
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c) dp(r, c) = p(r, c) * (dp(r, c) - dsum[q0 + r]);  // dS
      Block<T>(gq + q0 * n.d, rows, n.d).noalias() += scale * (dp * kb);
      gkb.noalias() += scale * (dp.transpose() * qb);
    }
  }
}

}  // namespace

void CpuBackend::attention_forward(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& key_mask,
                                   double scale, const Tensor& out, const Tensor& lse) {
  const Dims n = dims_of(q, k);
  const uint8_t* mask = key_mask.defined() ? cpu::ptr<uint8_t>(key_mask) : nullptr;
  cpu::dispatch_float(q.dtype(), "attention", [&](auto tag) {
    using T = decltype(tag);
    const int64_t heads = n.batch * n.heads;
#pragma omp parallel for schedule(static) if (heads > 1)
    for (int64_t bh = 0; bh < heads; ++bh) {
      const int64_t b = bh / n.heads;
      forward_head<T>(cpu::ptr<T>(q) + bh * n.sq * n.d, cpu::ptr<T>(k) + bh * n.sk * n.d,
                      cpu::ptr<T>(v) + bh * n.sk * n.d, mask ? mask + b * n.sk : nullptr, n,
                      static_cast<T>(scale), cpu::ptr<T>(out) + bh * n.sq * n.d, cpu::ptr<T>(lse) + bh * n.sq);
    }
  });
}

void CpuBackend::attention_backward(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& out,
                                    const Tensor& lse, const Tensor& gout, const Tensor& key_mask, double scale,
                                    const Tensor& gq, const Tensor& gk, const Tensor& gv) {
  const Dims n = dims_of(q, k);
  const uint8_t* mask = key_mask.defined() ? cpu::ptr<uint8_t>(key_mask) : nullptr;
  cpu::dispatch_float(q.dtype(), "attention backward", [&](auto tag) {
    using T = decltype(tag);
    const int64_t heads = n.batch * n.heads;
#pragma omp parallel for schedule(static) if (heads > 1)
    for (int64_t bh = 0; bh < heads; ++bh) {
      const int64_t b = bh / n.heads;
      const int64_t qo = bh * n.sq * n.d, ko = bh * n.sk * n.d;
      backward_head<T>(cpu::ptr<T>(q) + qo, cpu::ptr<T>(k) + ko, cpu::ptr<T>(v) + ko, cpu::ptr<T>(out) + qo,
                       cpu::ptr<T>(lse) + bh * n.sq, cpu::ptr<T>(gout) + qo, mask ? mask + b * n.sk : nullptr, n,
                       static_cast<T>(scale), cpu::ptr<T>(gq) + qo, cpu::ptr<T>(gk) + ko, cpu::ptr<T>(gv) + ko);
    }
  });
}

}  // namespace nlammr
