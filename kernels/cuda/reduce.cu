// Sum and max over the middle axis of x viewed as [outer, n, inner], as
// kernels/cpu/reduce.cpp.
//
// Sums accumulate in double (like the CPU) and are deterministic without
// atomics: the axis is cut into chunks whose size depends only on the shape
// (launch_config.h, plan_sum); each chunk is summed by one block (long rows)
// or one thread per column (inner > 1), and a second kernel adds the chunk
// partials in chunk order. Max returns the first maximal index, and a NaN
// anywhere wins (PyTorch's rule); combining (value, index) pairs this way is
// associative and commutative, so a block may combine them in any tree.
#include <cmath>

#include "kernels/cuda/cuda_backend_impl.cuh"
#include "kernels/cuda/device_utils.cuh"

namespace nlammr::cuda {
namespace {

// ---- sum ------------------------------------------------------------------------------

// One block per (row o, chunk c) of a long contiguous row (inner == 1).
template <typename T>
__global__ void sum_row_chunks_kernel(const T* x, int64_t outer, int64_t n, int64_t chunk, int64_t chunks,
                                      double* partial, T* out) {
  __shared__ double scratch[33];
  for (int64_t b = blockIdx.x; b < outer * chunks; b += gridDim.x) {
    const int64_t o = b / chunks, c = b % chunks;
    const int64_t begin = c * chunk, end = min(n, begin + chunk);
    double acc = 0.0;
    for (int64_t i = begin + threadIdx.x; i < end; i += blockDim.x) acc += static_cast<double>(x[o * n + i]);
    acc = block_sum(acc, scratch);
    if (threadIdx.x == 0) {
      if (chunks == 1)
        out[o] = static_cast<T>(acc);
      else
        partial[b] = acc;
    }
  }
}

// One thread per (row o, chunk c, column i), walking the chunk's rows in order.
template <typename T>
__global__ void sum_column_chunks_kernel(const T* x, int64_t outer, int64_t n, int64_t inner, int64_t chunk,
                                         int64_t chunks, double* partial, T* out) {
  const int64_t total = outer * chunks * inner;
  for (int64_t t = first_index(); t < total; t += grid_stride()) {
    const int64_t i = t % inner, oc = t / inner;
    const int64_t c = oc % chunks, o = oc / chunks;
    const int64_t begin = c * chunk, end = min(n, begin + chunk);
    double acc = 0.0;
    for (int64_t r = begin; r < end; ++r) acc += static_cast<double>(x[(o * n + r) * inner + i]);
    if (chunks == 1)
      out[o * inner + i] = static_cast<T>(acc);
    else
      partial[t] = acc;  // t == (o * chunks + c) * inner + i
  }
}

// out[o, i] = sum over chunks c, in order, of partial[o, c, i].
template <typename T>
__global__ void sum_partials_kernel(const double* partial, int64_t outer, int64_t chunks, int64_t inner,
                                    T* out) {
  for (int64_t t = first_index(); t < outer * inner; t += grid_stride()) {
    const int64_t o = t / inner, i = t % inner;
    double acc = 0.0;
    for (int64_t c = 0; c < chunks; ++c) acc += partial[(o * chunks + c) * inner + i];
    out[t] = static_cast<T>(acc);
  }
}

// ---- max ------------------------------------------------------------------------------

template <typename T>
struct Best {
  T value;
  int64_t index;
};

// The better of two candidates: a NaN beats everything (the earliest NaN
// among NaNs), otherwise the larger value, and on a tie the earlier index.
template <typename T>
__device__ Best<T> better(Best<T> a, Best<T> b) {
  const bool a_nan = isnan(a.value), b_nan = isnan(b.value);
  if (a_nan || b_nan) {
    if (a_nan && b_nan) return a.index <= b.index ? a : b;
    return a_nan ? a : b;
  }
  if (a.value != b.value) return a.value > b.value ? a : b;
  return a.index <= b.index ? a : b;
}

// One thread per output, walking the axis in order exactly as the CPU does.
template <typename T>
__global__ void max_columns_kernel(const T* x, int64_t outer, int64_t n, int64_t inner, T* out,
                                   int64_t* argmax) {
  for (int64_t t = first_index(); t < outer * inner; t += grid_stride()) {
    const int64_t o = t / inner, i = t % inner;
    T best = neg_infinity<T>();
    int64_t best_i = 0;
    for (int64_t r = 0; r < n; ++r) {
      const T v = x[(o * n + r) * inner + i];
      if (isnan(v)) {
        best = v, best_i = r;
        break;
      }
      if (v > best) best = v, best_i = r;
    }
    out[t] = best;
    if (argmax) argmax[t] = best_i;
  }
}

// One block per long row (inner == 1): each thread scans a strided subset,
// then the block combines the candidates.
template <typename T>
__global__ void max_rows_kernel(const T* x, int64_t outer, int64_t n, T* out, int64_t* argmax) {
  __shared__ T values[kWarpsPerBlock];
  __shared__ int64_t indices[kWarpsPerBlock];
  const int lane = threadIdx.x % kWarpSize, warp = threadIdx.x / kWarpSize;
  for (int64_t o = blockIdx.x; o < outer; o += gridDim.x) {
    Best<T> best{neg_infinity<T>(), 0};
    for (int64_t r = threadIdx.x; r < n; r += blockDim.x) {
      const T v = x[o * n + r];
      if (isnan(v)) {
        best = {v, r};
        break;
      }
      if (v > best.value) best = {v, r};
    }
    for (int offset = kWarpSize / 2; offset > 0; offset >>= 1) {
      const Best<T> other{__shfl_xor_sync(0xffffffffu, best.value, offset),
                          __shfl_xor_sync(0xffffffffu, best.index, offset)};
      best = better(best, other);
    }
    if (lane == 0) values[warp] = best.value, indices[warp] = best.index;
    __syncthreads();
    if (threadIdx.x == 0) {
      Best<T> total{values[0], indices[0]};
      for (int w = 1; w < kWarpsPerBlock; ++w) total = better(total, Best<T>{values[w], indices[w]});
      out[o] = total.value;
      if (argmax) argmax[o] = total.index;
    }
    __syncthreads();  // the shared arrays are reused for the next row
  }
}

template <typename T>
__global__ void scatter_argmax_kernel(const T* gy, const int64_t* argmax, int64_t outer, int64_t n,
                                      int64_t inner, T* gx) {
  for (int64_t t = first_index(); t < outer * n * inner; t += grid_stride()) {
    const int64_t i = t % inner, r = (t / inner) % n, o = t / (inner * n);
    gx[t] = argmax[o * inner + i] == r ? gy[o * inner + i] : T(0);
  }
}

}  // namespace

void CudaBackend::reduce(ReduceOp op, const Tensor& x, int64_t outer, int64_t n, int64_t inner,
                         const Tensor& out, const Tensor& argmax) {
  if (outer * inner == 0) return;
  activate();
  const char* name = op == ReduceOp::Sum ? "sum" : "max";
  auto shapes = [&] { return describe({x, out}) + " as " + describe_dims({outer, n, inner}); };
  dispatch_float(x.dtype(), name, [&](auto tag) {
    using T = decltype(tag);
    if (op == ReduceOp::Max) {
      int64_t* am = argmax.defined() ? ptr<int64_t>(argmax) : nullptr;
      if (max_uses_block_per_row(n, inner)) {
        launch("max_rows_kernel", max_rows_kernel<T>, grid_blocks(outer, 1), kBlockThreads, 0, stream_,
               ptr<T>(x), outer, n, ptr<T>(out), am);
      } else {
        launch("max_columns_kernel", max_columns_kernel<T>, grid_blocks(outer * inner), kBlockThreads, 0,
               stream_, ptr<T>(x), outer, n, inner, ptr<T>(out), am);
      }
      NLAMMR_CUDA_LAUNCH_CHECK(stream_, "max", shapes());
      return;
    }
    const SumPlan plan = plan_sum(n, inner);
    DeviceBuffer partial = scratch(plan.two_stage() ? sizeof(double) * outer * plan.chunks * inner : 0);
    if (plan.block_per_chunk) {
      launch("sum_row_chunks_kernel", sum_row_chunks_kernel<T>, grid_blocks(outer * plan.chunks, 1),
             kBlockThreads, 0, stream_, ptr<T>(x), outer, n, plan.chunk, plan.chunks, partial.as<double>(),
             ptr<T>(out));
    } else {
      launch("sum_column_chunks_kernel", sum_column_chunks_kernel<T>,
             grid_blocks(outer * plan.chunks * inner), kBlockThreads, 0, stream_, ptr<T>(x), outer, n, inner,
             plan.chunk, plan.chunks, partial.as<double>(), ptr<T>(out));
    }
    NLAMMR_CUDA_LAUNCH_CHECK(stream_, "sum (chunks)", shapes());
    if (plan.two_stage()) {
      launch("sum_partials_kernel", sum_partials_kernel<T>, grid_blocks(outer * inner), kBlockThreads, 0,
             stream_, partial.as<double>(), outer, plan.chunks, inner, ptr<T>(out));
      NLAMMR_CUDA_LAUNCH_CHECK(stream_, "sum (partials)", shapes());
    }
  });
}

void CudaBackend::scatter_argmax(const Tensor& gy, const Tensor& argmax, int64_t outer, int64_t n,
                                 int64_t inner, const Tensor& gx) {
  const int64_t total = outer * n * inner;
  if (total == 0) return;
  activate();
  dispatch_float(gy.dtype(), "max backward", [&](auto tag) {
    using T = decltype(tag);
    launch("scatter_argmax_kernel", scatter_argmax_kernel<T>, grid_blocks(total), kBlockThreads, 0, stream_,
           ptr<T>(gy), ptr<int64_t>(argmax), outer, n, inner, ptr<T>(gx));
  });
  NLAMMR_CUDA_LAUNCH_CHECK(stream_, "max backward",
                           describe({gy, argmax, gx}) + " as " + describe_dims({outer, n, inner}));
}

}  // namespace nlammr::cuda
