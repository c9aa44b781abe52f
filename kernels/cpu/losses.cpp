// Fused loss kernels: each computes the mean loss and, when asked, its
// gradient with respect to the input in the same pass. The per-element
// formulas are kernels/common/loss_math.h, shared with the CUDA kernels.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "kernels/common/loss_math.h"
#include "kernels/cpu/common.h"
#include "kernels/cpu/cpu_backend.h"

namespace nlammr {
namespace {

template <typename T>
void set_scalar(const Tensor& loss, double value) {
  *cpu::ptr<T>(loss) = static_cast<T>(value);
}

}  // namespace

// loss = mean(max(x, 0) - x t + log(1 + exp(-|x|))), the stable form of
// -[t log σ(x) + (1 - t) log(1 - σ(x))];  d/dx = (σ(x) - t) / N.
void CpuBackend::bce_with_logits(const Tensor& logits, const Tensor& targets, const Tensor& loss,
                                 const Tensor& grad) {
  const int64_t n = logits.numel();
  cpu::dispatch_float(logits.dtype(), "bce_with_logits", [&](auto tag) {
    using T = decltype(tag);
    const T* x = cpu::ptr<T>(logits);
    const T* t = cpu::ptr<T>(targets);
    T* g = grad.defined() ? cpu::ptr<T>(grad) : nullptr;
    double total = 0.0;
    for (int64_t i = 0; i < n; ++i) {
      const double xi = x[i], ti = t[i];
      total += math::bce_with_logits_term(xi, ti);
      if (g) g[i] = static_cast<T>(math::bce_with_logits_grad(xi, ti, static_cast<double>(n)));
    }
    set_scalar<T>(loss, n ? total / static_cast<double>(n) : 0.0);
  });
}

// PyTorch's multilabel_margin_loss: for sample n with target classes J (the
// row of `target` up to its first -1) and every other class i,
//   loss_n = sum_{j in J} sum_{i not in J} max(0, 1 - (x[j] - x[i])) / C,
// averaged over samples. A class listed twice counts twice, as in PyTorch.
void CpuBackend::multilabel_margin(const Tensor& input, const Tensor& target, const Tensor& loss,
                                   const Tensor& grad) {
  const int64_t rows = input.dim() == 1 ? 1 : input.size(0);
  const int64_t classes = input.size(-1);
  const int64_t* tgt = cpu::ptr<int64_t>(target);
  cpu::dispatch_float(input.dtype(), "multilabel_margin_loss", [&](auto tag) {
    using T = decltype(tag);
    const T* x = cpu::ptr<T>(input);
    T* g = grad.defined() ? cpu::ptr<T>(grad) : nullptr;
    if (g) std::fill(g, g + rows * classes, T(0));
    const double inv = 1.0 / (static_cast<double>(classes) * static_cast<double>(rows));
    double total = 0.0;
    std::vector<uint8_t> is_target(static_cast<size_t>(classes));
    for (int64_t r = 0; r < rows; ++r) {
      const T* xr = x + r * classes;
      const int64_t* tr = tgt + r * classes;
      std::fill(is_target.begin(), is_target.end(), 0);
      int64_t count = 0;
      for (; count < classes && tr[count] >= 0; ++count) {
        if (tr[count] >= classes) cpu::index_out_of_range("multilabel_margin_loss target", tr[count], classes);
        is_target[tr[count]] = 1;
      }
      for (int64_t j = 0; j < count; ++j) {
        const int64_t cj = tr[j];
        for (int64_t i = 0; i < classes; ++i) {
          if (is_target[i]) continue;
          const double margin = math::multilabel_margin(xr[cj], xr[i]);
          if (margin > 0) {
            total += margin;
            if (g) {
              g[r * classes + cj] -= static_cast<T>(inv);
              g[r * classes + i] += static_cast<T>(inv);
            }
          }
        }
      }
    }
    set_scalar<T>(loss, total * inv);
  });
}

// Mean over kept rows of logsumexp(x_r) - x_r[target_r].
void CpuBackend::cross_entropy(const Tensor& logits, const Tensor& target, int64_t ignore_index,
                               const Tensor& loss, const Tensor& grad) {
  const int64_t rows = logits.size(0), classes = logits.size(1);
  const int64_t* tgt = cpu::ptr<int64_t>(target);
  int64_t kept = 0;
  for (int64_t r = 0; r < rows; ++r) {
    if (tgt[r] == ignore_index) continue;
    if (tgt[r] < 0 || tgt[r] >= classes) cpu::index_out_of_range("cross_entropy target", tgt[r], classes);
    ++kept;
  }
  cpu::dispatch_float(logits.dtype(), "cross_entropy", [&](auto tag) {
    using T = decltype(tag);
    const T* x = cpu::ptr<T>(logits);
    T* g = grad.defined() ? cpu::ptr<T>(grad) : nullptr;
    double total = 0.0;
    for (int64_t r = 0; r < rows; ++r) {
      const T* xr = x + r * classes;
      T* gr = g ? g + r * classes : nullptr;
      if (tgt[r] == ignore_index) {
        if (gr) std::fill(gr, gr + classes, T(0));
        continue;
      }
      const double mx = *std::max_element(xr, xr + classes);
      double sum = 0.0;
      for (int64_t c = 0; c < classes; ++c) sum += std::exp(xr[c] - mx);
      const double lse = mx + std::log(sum);
      total += lse - xr[tgt[r]];
      if (gr)
        for (int64_t c = 0; c < classes; ++c)
          gr[c] = static_cast<T>(math::logsumexp_minus_mean_grad(xr[c], lse, c == tgt[r], 1.0) /
                                 static_cast<double>(kept));
    }
    set_scalar<T>(loss, kept ? total / static_cast<double>(kept) : 0.0);
  });
}

// Symmetric multi-positive InfoNCE. With z = sim / temperature, P(i) the
// positives of row i and Q(j) those of column j:
//   row_i = logsumexp_j z_ij - mean_{j in P(i)} z_ij      (rows with positives)
//   col_j = logsumexp_i z_ij - mean_{i in Q(j)} z_ij      (columns with positives)
//   loss  = (mean_i row_i + mean_j col_j) / 2
// With a square matrix and the identity as positives this is CLIP's loss.
void CpuBackend::contrastive(const Tensor& sim, const Tensor& positives, double temperature,
                             const Tensor& loss, const Tensor& grad) {
  const int64_t rows = sim.size(0), cols = sim.size(1);
  const uint8_t* pos = cpu::ptr<uint8_t>(positives);
  cpu::dispatch_float(sim.dtype(), "contrastive_loss", [&](auto tag) {
    using T = decltype(tag);
    const T* s = cpu::ptr<T>(sim);
    T* g = grad.defined() ? cpu::ptr<T>(grad) : nullptr;
    std::vector<double> dz(static_cast<size_t>(rows * cols), 0.0);  // dloss/dz
    const double inv_t = 1.0 / temperature;

    // One direction: `outer` lines of length `inner`; element (o, k) of a line is s[at(o, k)].
    auto direction = [&](int64_t outer, int64_t inner, auto at) {
      int64_t valid = 0;
      for (int64_t o = 0; o < outer; ++o) {
        int64_t npos = 0;
        for (int64_t k = 0; k < inner; ++k) npos += pos[at(o, k)] != 0;
        valid += npos > 0;
      }
      double total = 0.0;
      if (valid == 0) return 0.0;
      const double w = 0.5 / static_cast<double>(valid);
      for (int64_t o = 0; o < outer; ++o) {
        double mx = -std::numeric_limits<double>::infinity(), pos_sum = 0.0;
        int64_t npos = 0;
        for (int64_t k = 0; k < inner; ++k) {
          const int64_t e = at(o, k);
          const double v = static_cast<double>(s[e]) * inv_t;
          mx = std::max(mx, v);
          if (pos[e]) pos_sum += v, ++npos;
        }
        if (npos == 0) continue;
        double sum = 0.0;
        for (int64_t k = 0; k < inner; ++k) sum += std::exp(static_cast<double>(s[at(o, k)]) * inv_t - mx);
        const double lse = mx + std::log(sum);
        total += lse - pos_sum / static_cast<double>(npos);
        for (int64_t k = 0; k < inner; ++k) {
          const int64_t e = at(o, k);
          const double z = static_cast<double>(s[e]) * inv_t;
          dz[e] += w * math::logsumexp_minus_mean_grad(z, lse, pos[e] != 0, static_cast<double>(npos));
        }
      }
      return 0.5 * total / static_cast<double>(valid);
    };
    const double row_term = direction(rows, cols, [cols](int64_t i, int64_t j) { return i * cols + j; });
    const double col_term = direction(cols, rows, [cols](int64_t j, int64_t i) { return i * cols + j; });
    if (g)
      for (int64_t e = 0; e < rows * cols; ++e) g[e] = static_cast<T>(dz[e] * inv_t);
    set_scalar<T>(loss, row_term + col_term);
  });
}

}  // namespace nlammr
