// Device-side building blocks shared by the kernels: math overloads for
// float and double, and deterministic warp and block reductions.
//
// The reductions use a fixed butterfly (__shfl_xor_sync) inside a warp and a
// fixed order across warps, so a sum over the same inputs gives the same bits
// on every run; and every lane ends up with exactly the same value (IEEE
// addition is commutative, so a + b and b + a agree to the bit).
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "kernels/cuda/launch_config.h"

namespace nlammr::cuda {

__device__ __forceinline__ float dev_exp(float x) { return expf(x); }
__device__ __forceinline__ double dev_exp(double x) { return exp(x); }
__device__ __forceinline__ float dev_log(float x) { return logf(x); }
__device__ __forceinline__ double dev_log(double x) { return log(x); }

template <typename T>
__device__ __forceinline__ T neg_infinity() {
  return -static_cast<T>(INFINITY);
}

// The larger of a and b, keeping a when b is NaN (std::max's rule, as in the
// CPU kernels: a NaN never becomes the running maximum of a softmax).
template <typename T>
__device__ __forceinline__ T max_keep(T a, T b) {
  return a < b ? b : a;
}

template <typename T>
__device__ __forceinline__ T warp_sum(T v) {
  for (int offset = kWarpSize / 2; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffffu, v, offset);
  return v;
}

template <typename T>
__device__ __forceinline__ T warp_max(T v) {
  for (int offset = kWarpSize / 2; offset > 0; offset >>= 1)
    v = max_keep(v, __shfl_xor_sync(0xffffffffu, v, offset));
  return v;
}

// Sum over a whole block (blockDim.x a multiple of 32, at most 1024). Every
// thread must call it; every thread gets the total. `scratch` holds 33 values.
template <typename T>
__device__ T block_sum(T v, T* scratch) {
  const int lane = threadIdx.x % kWarpSize, warp = threadIdx.x / kWarpSize;
  const int warps = blockDim.x / kWarpSize;
  v = warp_sum(v);
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  if (warp == 0) {
    T total = lane < warps ? scratch[lane] : T(0);
    total = warp_sum(total);
    if (lane == 0) scratch[32] = total;
  }
  __syncthreads();
  const T total = scratch[32];
  __syncthreads();  // scratch may be reused right after
  return total;
}

template <typename T>
__device__ T block_max(T v, T* scratch) {
  const int lane = threadIdx.x % kWarpSize, warp = threadIdx.x / kWarpSize;
  const int warps = blockDim.x / kWarpSize;
  v = warp_max(v);
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  if (warp == 0) {
    T best = lane < warps ? scratch[lane] : neg_infinity<T>();
    best = warp_max(best);
    if (lane == 0) scratch[32] = best;
  }
  __syncthreads();
  const T best = scratch[32];
  __syncthreads();
  return best;
}

// Grid-stride loop bounds: for (int64_t i = first_index(); i < n; i += grid_stride()).
__device__ __forceinline__ int64_t first_index() {
  return static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
}
__device__ __forceinline__ int64_t grid_stride() { return static_cast<int64_t>(gridDim.x) * blockDim.x; }

}  // namespace nlammr::cuda
