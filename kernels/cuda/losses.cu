// Fused loss kernels, as kernels/cpu/losses.cpp: the mean loss and its
// gradient in one pass over the input, with double accumulation. The
// per-element formulas are the CPU's own (kernels/common/loss_math.h).
//
// No atomics anywhere: per-element or per-row terms are summed by blocks
// (deterministic trees, device_utils.cuh) into partial sums whose number
// depends only on the shape, and one final single-block kernel adds the
// partials in a fixed order. So the scalar loss has the same bits on every
// run.
#include <climits>

#include "kernels/common/loss_math.h"
#include "kernels/cuda/cuda_backend_impl.cuh"
#include "kernels/cuda/device_utils.cuh"

namespace nlammr::cuda {
namespace {

// loss = (sum of partial[0 .. count)) / divisor, 0 when the divisor is 0.
// The divisor is read from the device when divisor_device is not null.
template <typename T>
__global__ void finish_mean_kernel(const double* partial, int64_t count, const long long* divisor_device,
                                   double divisor, T* loss) {
  __shared__ double scratch[33];
  double acc = 0.0;
  for (int64_t i = threadIdx.x; i < count; i += blockDim.x) acc += partial[i];
  acc = block_sum(acc, scratch);
  if (threadIdx.x == 0) {
    const double div = divisor_device ? static_cast<double>(*divisor_device) : divisor;
    *loss = static_cast<T>(div > 0.0 ? acc / div : 0.0);
  }
}

template <typename T>
void finish_mean(cudaStream_t stream, const double* partial, int64_t count, const long long* divisor_device,
                 double divisor, T* loss, const char* name, const std::string& shapes) {
  launch("finish_mean_kernel", finish_mean_kernel<T>, 1, kBlockThreads, 0, stream, partial, count,
         divisor_device, divisor, loss);
  NLAMMR_CUDA_LAUNCH_CHECK(stream, name, shapes + " (final sum)");
}

// ---- binary cross-entropy with logits -----------------------------------------------------

template <typename T>
__global__ void bce_kernel(const T* x, const T* t, T* g, int64_t n, double* partial) {
  __shared__ double scratch[33];
  double acc = 0.0;
  for (int64_t i = first_index(); i < n; i += grid_stride()) {
    const double xi = x[i], ti = t[i];
    acc += math::bce_with_logits_term(xi, ti);
    if (g) g[i] = static_cast<T>(math::bce_with_logits_grad(xi, ti, static_cast<double>(n)));
  }
  acc = block_sum(acc, scratch);
  if (threadIdx.x == 0) partial[blockIdx.x] = acc;
}

// ---- cross-entropy ------------------------------------------------------------------------

__global__ void count_kept_kernel(const int64_t* target, int64_t rows, int64_t ignore_index,
                                  long long* kept) {
  __shared__ long long scratch[33];
  long long count = 0;
  for (int64_t r = threadIdx.x; r < rows; r += blockDim.x) count += target[r] != ignore_index;
  count = block_sum(count, scratch);
  if (threadIdx.x == 0) *kept = count;
}

// One block per row: the row's log-sum-exp, its loss term and its gradient.
template <typename T>
__global__ void cross_entropy_rows_kernel(const T* x, const int64_t* target, int64_t rows, int64_t classes,
                                          int64_t ignore_index, const long long* kept, T* g,
                                          double* row_loss) {
  __shared__ double scratch[33];
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const T* xr = x + r * classes;
    T* gr = g ? g + r * classes : nullptr;
    const int64_t tr = target[r];
    if (tr == ignore_index) {  // the same branch for the whole block
      if (gr)
        for (int64_t c = threadIdx.x; c < classes; c += blockDim.x) gr[c] = T(0);
      if (threadIdx.x == 0) row_loss[r] = 0.0;
      continue;
    }
    double mx = neg_infinity<double>();
    for (int64_t c = threadIdx.x; c < classes; c += blockDim.x) mx = max_keep(mx, static_cast<double>(xr[c]));
    mx = block_max(mx, scratch);
    double sum = 0.0;
    for (int64_t c = threadIdx.x; c < classes; c += blockDim.x) sum += exp(static_cast<double>(xr[c]) - mx);
    sum = block_sum(sum, scratch);
    const double lse = mx + log(sum);
    if (threadIdx.x == 0) row_loss[r] = lse - static_cast<double>(xr[tr]);
    if (gr) {
      const double count = static_cast<double>(*kept);
      for (int64_t c = threadIdx.x; c < classes; c += blockDim.x)
        gr[c] = static_cast<T>(math::logsumexp_minus_mean_grad(xr[c], lse, c == tr, 1.0) / count);
    }
  }
}

// ---- multilabel margin ----------------------------------------------------------------------

// The first listed target (before a row's first negative entry) >= classes.
__global__ void first_bad_target_kernel(const int64_t* target, int64_t rows, int64_t classes,
                                        long long* first_bad) {
  for (int64_t r = first_index(); r < rows; r += grid_stride()) {
    for (int64_t j = 0; j < classes; ++j) {
      const int64_t t = target[r * classes + j];
      if (t < 0) break;
      if (t >= classes) {
        atomicMin(first_bad, static_cast<long long>(r * classes + j));
        break;
      }
    }
  }
}

// One block per row. is_target (zeroed) marks the row's target classes.
template <typename T>
__global__ void multilabel_margin_kernel(const T* x, const int64_t* target, int64_t rows, int64_t classes,
                                         double inv, uint8_t* is_target, T* g, double* row_loss) {
  __shared__ double scratch[33];
  __shared__ int64_t count_shared;
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const T* xr = x + r * classes;
    const int64_t* tr = target + r * classes;
    uint8_t* mark = is_target + r * classes;
    if (threadIdx.x == 0) {
      int64_t count = 0;
      while (count < classes && tr[count] >= 0) ++count;
      count_shared = count;
    }
    __syncthreads();
    const int64_t count = count_shared;
    // A class listed twice is marked by the thread of its first listing only:
    // two threads storing the same byte unordered is a data race, even when
    // both store 1.
    for (int64_t j = threadIdx.x; j < count; j += blockDim.x) {
      bool first = true;
      for (int64_t k = 0; k < j && first; ++k) first = tr[k] != tr[j];
      if (first) mark[tr[j]] = 1;
    }
    __syncthreads();  // the marks (global memory) are visible to the whole block after the barrier
    // The gradient repeats the CPU's additions of +-inv, in its order (list
    // entries j, then classes), so that it comes out bit-identical: a sum of
    // many equal float32 steps drifts, and the drift must be the same.
    const T step = static_cast<T>(inv);
    double loss = 0.0;
    for (int64_t i = threadIdx.x; i < classes; i += blockDim.x) {
      T grad = T(0);
      if (mark[i]) {
        // A target class loses `inv` for every (listing of it, violating non-target) pair.
        if (g)
          for (int64_t j = 0; j < count; ++j) {
            if (tr[j] != i) continue;
            for (int64_t o = 0; o < classes; ++o)
              if (!mark[o] && 1.0 - (static_cast<double>(xr[i]) - xr[o]) > 0.0) grad -= step;
          }
      } else {
        // A non-target class gains `inv` for every listed target it comes within 1 of.
        for (int64_t j = 0; j < count; ++j) {
          const double margin = math::multilabel_margin(xr[tr[j]], xr[i]);
          if (margin > 0.0) loss += margin, grad += step;
        }
      }
      if (g) g[r * classes + i] = grad;
    }
    loss = block_sum(loss, scratch);
    if (threadIdx.x == 0) row_loss[r] = loss;
  }
}

// ---- contrastive (symmetric multi-positive InfoNCE) ----------------------------------------

struct LineStats {
  double* lse;    // log-sum-exp of the line's z = sim / temperature
  double* term;   // lse - mean of z over the positives (0 without positives)
  int64_t* npos;  // number of positives
};

// One block per row i of sim [rows, cols].
template <typename T>
__global__ void contrastive_rows_kernel(const T* sim, const uint8_t* pos, int64_t rows, int64_t cols,
                                        double inv_t, LineStats out) {
  __shared__ double scratch[33];
  for (int64_t i = blockIdx.x; i < rows; i += gridDim.x) {
    double mx = neg_infinity<double>(), pos_sum = 0.0, npos = 0.0;
    for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) {
      const double z = static_cast<double>(sim[i * cols + j]) * inv_t;
      mx = max_keep(mx, z);
      if (pos[i * cols + j]) pos_sum += z, npos += 1.0;
    }
    mx = block_max(mx, scratch);
    pos_sum = block_sum(pos_sum, scratch);
    npos = block_sum(npos, scratch);
    double sum = 0.0;
    for (int64_t j = threadIdx.x; j < cols; j += blockDim.x)
      sum += exp(static_cast<double>(sim[i * cols + j]) * inv_t - mx);
    sum = block_sum(sum, scratch);
    if (threadIdx.x == 0) {
      const double lse = mx + log(sum);
      out.lse[i] = lse;
      out.npos[i] = static_cast<int64_t>(npos);
      out.term[i] = npos > 0.0 ? lse - pos_sum / npos : 0.0;
    }
  }
}

// One thread per column j, walking the rows in order (reads coalesce across threads).
template <typename T>
__global__ void contrastive_columns_kernel(const T* sim, const uint8_t* pos, int64_t rows, int64_t cols,
                                           double inv_t, LineStats out) {
  for (int64_t j = first_index(); j < cols; j += grid_stride()) {
    double mx = neg_infinity<double>(), pos_sum = 0.0;
    int64_t npos = 0;
    for (int64_t i = 0; i < rows; ++i) {
      const double z = static_cast<double>(sim[i * cols + j]) * inv_t;
      mx = max_keep(mx, z);
      if (pos[i * cols + j]) pos_sum += z, ++npos;
    }
    double sum = 0.0;
    for (int64_t i = 0; i < rows; ++i) sum += exp(static_cast<double>(sim[i * cols + j]) * inv_t - mx);
    const double lse = mx + log(sum);
    out.lse[j] = lse;
    out.npos[j] = npos;
    out.term[j] = npos > 0 ? lse - pos_sum / static_cast<double>(npos) : 0.0;
  }
}

// The loss from both directions; weights[0..1] = 0.5 / (lines with positives) per direction.
template <typename T>
__global__ void contrastive_finish_kernel(LineStats row, int64_t rows, LineStats col, int64_t cols, T* loss,
                                          double* weights) {
  __shared__ double scratch[33];
  double parts[2];
  const LineStats* stats[2] = {&row, &col};
  const int64_t counts[2] = {rows, cols};
  for (int k = 0; k < 2; ++k) {
    double total = 0.0, valid = 0.0;
    for (int64_t i = threadIdx.x; i < counts[k]; i += blockDim.x) {
      total += stats[k]->term[i];
      valid += stats[k]->npos[i] > 0 ? 1.0 : 0.0;
    }
    total = block_sum(total, scratch);
    valid = block_sum(valid, scratch);
    parts[k] = valid > 0.0 ? 0.5 * total / valid : 0.0;
    if (threadIdx.x == 0) weights[k] = valid > 0.0 ? 0.5 / valid : 0.0;
  }
  if (threadIdx.x == 0) *loss = static_cast<T>(parts[0] + parts[1]);
}

template <typename T>
__global__ void contrastive_grad_kernel(const T* sim, const uint8_t* pos, int64_t rows, int64_t cols,
                                        double inv_t, LineStats row, LineStats col, const double* weights,
                                        T* g) {
  for (int64_t e = first_index(); e < rows * cols; e += grid_stride()) {
    const int64_t i = e / cols, j = e % cols;
    const double z = static_cast<double>(sim[e]) * inv_t;
    double dz = 0.0;
    if (row.npos[i] > 0)
      dz += weights[0] *
            math::logsumexp_minus_mean_grad(z, row.lse[i], pos[e] != 0, static_cast<double>(row.npos[i]));
    if (col.npos[j] > 0)
      dz += weights[1] *
            math::logsumexp_minus_mean_grad(z, col.lse[j], pos[e] != 0, static_cast<double>(col.npos[j]));
    g[e] = static_cast<T>(dz * inv_t);
  }
}

}  // namespace

void CudaBackend::bce_with_logits(const Tensor& logits, const Tensor& targets, const Tensor& loss,
                                  const Tensor& grad) {
  const int64_t n = logits.numel();
  activate();
  if (n == 0) {
    fill(loss, 0.0);
    return;
  }
  const std::string shapes = describe({logits, targets});
  const int64_t blocks = loss_partial_blocks(n);
  DeviceBuffer partial = scratch(sizeof(double) * blocks);
  dispatch_float(logits.dtype(), "bce_with_logits", [&](auto tag) {
    using T = decltype(tag);
    launch("bce_kernel", bce_kernel<T>, static_cast<unsigned>(blocks), kBlockThreads, 0, stream_,
           ptr<T>(logits), ptr<T>(targets), grad.defined() ? ptr<T>(grad) : nullptr, n, partial.as<double>());
    NLAMMR_CUDA_LAUNCH_CHECK(stream_, "bce_with_logits", shapes);
    finish_mean<T>(stream_, partial.as<double>(), blocks, nullptr, static_cast<double>(n), ptr<T>(loss),
                   "bce_with_logits", shapes);
  });
}

void CudaBackend::multilabel_margin(const Tensor& input, const Tensor& target, const Tensor& loss,
                                    const Tensor& grad) {
  const int64_t rows = input.dim() == 1 ? 1 : input.size(0);
  const int64_t classes = input.size(-1);
  activate();
  if (rows * classes == 0) {
    fill(loss, 0.0);
    return;
  }
  const std::string shapes = describe({input, target});
  // Validation first, with the CPU's message for the first bad target.
  {
    DeviceBuffer first_bad = scratch(sizeof(long long));
    const long long none = LLONG_MAX;
    NLAMMR_CUDA_CHECK(
        cudaMemcpyAsync(first_bad.as<long long>(), &none, sizeof none, cudaMemcpyHostToDevice, stream_));
    launch("first_bad_target_kernel", first_bad_target_kernel, grid_blocks(rows), kBlockThreads, 0, stream_,
           ptr<int64_t>(target), rows, classes, first_bad.as<long long>());
    NLAMMR_CUDA_LAUNCH_CHECK(stream_, "multilabel_margin_loss (targets)", shapes);
    long long position = 0;
    read_back(&position, first_bad.as<long long>(), sizeof position);
    if (position != LLONG_MAX) {
      int64_t value = 0;
      read_back(&value, ptr<int64_t>(target) + position, sizeof value);
      throw std::runtime_error("multilabel_margin_loss target: index " + std::to_string(value) +
                               " out of range [0, " + std::to_string(classes) + ")");
    }
  }
  DeviceBuffer is_target = scratch(static_cast<size_t>(rows * classes));
  NLAMMR_CUDA_CHECK(
      cudaMemsetAsync(is_target.as<uint8_t>(), 0, static_cast<size_t>(rows * classes), stream_));
  DeviceBuffer row_loss = scratch(sizeof(double) * rows);
  const double inv = 1.0 / (static_cast<double>(classes) * static_cast<double>(rows));
  dispatch_float(input.dtype(), "multilabel_margin_loss", [&](auto tag) {
    using T = decltype(tag);
    launch("multilabel_margin_kernel", multilabel_margin_kernel<T>, grid_blocks(rows, 1), kBlockThreads, 0,
           stream_, ptr<T>(input), ptr<int64_t>(target), rows, classes, inv, is_target.as<uint8_t>(),
           grad.defined() ? ptr<T>(grad) : nullptr, row_loss.as<double>());
    NLAMMR_CUDA_LAUNCH_CHECK(stream_, "multilabel_margin_loss", shapes);
    // mean = (sum of rows) * inv  ==  (sum of rows) / (classes * rows)
    finish_mean<T>(stream_, row_loss.as<double>(), rows, nullptr, 1.0 / inv, ptr<T>(loss),
                   "multilabel_margin_loss", shapes);
  });
}

void CudaBackend::cross_entropy(const Tensor& logits, const Tensor& target, int64_t ignore_index,
                                const Tensor& loss, const Tensor& grad) {
  const int64_t rows = logits.size(0), classes = logits.size(1);
  check_indices(target, classes, "cross_entropy target", /*has_ignore=*/true, ignore_index);
  activate();
  if (rows == 0) {
    fill(loss, 0.0);
    return;
  }
  const std::string shapes = describe({logits, target});
  DeviceBuffer kept = scratch(sizeof(long long));
  launch("count_kept_kernel", count_kept_kernel, 1, kBlockThreads, 0, stream_, ptr<int64_t>(target), rows,
         ignore_index, kept.as<long long>());
  NLAMMR_CUDA_LAUNCH_CHECK(stream_, "cross_entropy (count)", shapes);
  DeviceBuffer row_loss = scratch(sizeof(double) * rows);
  dispatch_float(logits.dtype(), "cross_entropy", [&](auto tag) {
    using T = decltype(tag);
    if (classes > 0) {
      launch("cross_entropy_rows_kernel", cross_entropy_rows_kernel<T>, grid_blocks(rows, 1), kBlockThreads,
             0, stream_, ptr<T>(logits), ptr<int64_t>(target), rows, classes, ignore_index,
             kept.as<long long>(), grad.defined() ? ptr<T>(grad) : nullptr, row_loss.as<double>());
      NLAMMR_CUDA_LAUNCH_CHECK(stream_, "cross_entropy", shapes);
    } else {  // no classes: every row must be ignored (validation above), nothing to add
      NLAMMR_CUDA_CHECK(cudaMemsetAsync(row_loss.as<double>(), 0, sizeof(double) * rows, stream_));
    }
    finish_mean<T>(stream_, row_loss.as<double>(), rows, kept.as<long long>(), 0.0, ptr<T>(loss),
                   "cross_entropy", shapes);
  });
}

void CudaBackend::contrastive(const Tensor& sim, const Tensor& positives, double temperature,
                              const Tensor& loss, const Tensor& grad) {
  const int64_t rows = sim.size(0), cols = sim.size(1);
  activate();
  const std::string shapes = describe({sim, positives});
  const double inv_t = 1.0 / temperature;
  // Per-line statistics: lse and term (doubles), npos (int64), for rows then columns.
  DeviceBuffer row_doubles = scratch(sizeof(double) * 2 * rows), row_counts = scratch(sizeof(int64_t) * rows);
  DeviceBuffer col_doubles = scratch(sizeof(double) * 2 * cols), col_counts = scratch(sizeof(int64_t) * cols);
  const LineStats row{row_doubles.as<double>(), row_doubles.as<double>() + rows, row_counts.as<int64_t>()};
  const LineStats col{col_doubles.as<double>(), col_doubles.as<double>() + cols, col_counts.as<int64_t>()};
  DeviceBuffer weights = scratch(2 * sizeof(double));
  const uint8_t* pos = ptr<uint8_t>(positives);
  dispatch_float(sim.dtype(), "contrastive_loss", [&](auto tag) {
    using T = decltype(tag);
    if (rows > 0) {
      launch("contrastive_rows_kernel", contrastive_rows_kernel<T>, grid_blocks(rows, 1), kBlockThreads, 0,
             stream_, ptr<T>(sim), pos, rows, cols, inv_t, row);
      NLAMMR_CUDA_LAUNCH_CHECK(stream_, "contrastive_loss (rows)", shapes);
    }
    if (cols > 0) {
      launch("contrastive_columns_kernel", contrastive_columns_kernel<T>, grid_blocks(cols), kBlockThreads, 0,
             stream_, ptr<T>(sim), pos, rows, cols, inv_t, col);
      NLAMMR_CUDA_LAUNCH_CHECK(stream_, "contrastive_loss (columns)", shapes);
    }
    launch("contrastive_finish_kernel", contrastive_finish_kernel<T>, 1, kBlockThreads, 0, stream_, row, rows,
           col, cols, ptr<T>(loss), weights.as<double>());
    NLAMMR_CUDA_LAUNCH_CHECK(stream_, "contrastive_loss (final sum)", shapes);
    if (grad.defined() && rows * cols > 0) {
      launch("contrastive_grad_kernel", contrastive_grad_kernel<T>, grid_blocks(rows * cols), kBlockThreads,
             0, stream_, ptr<T>(sim), pos, rows, cols, inv_t, row, col, weights.as<double>(), ptr<T>(grad));
      NLAMMR_CUDA_LAUNCH_CHECK(stream_, "contrastive_loss (gradient)", shapes);
    }
  });
}

}  // namespace nlammr::cuda
