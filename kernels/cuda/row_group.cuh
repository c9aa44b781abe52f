// A group of threads that processes one row together: a warp (rows up to
// ~1k elements) or a whole block (longer rows). Row kernels are written once
// against this interface: the group's threads stride over the row, and
// sum/max combine their partial results (deterministically, see
// device_utils.cuh) and hand the result to every thread of the group.
#pragma once

#include "kernels/cuda/device_utils.cuh"

namespace nlammr::cuda {

struct WarpGroup {
  __device__ int rank() const { return threadIdx.x % kWarpSize; }
  __device__ int size() const { return kWarpSize; }
  template <typename T>
  __device__ T sum(T v) const {
    return warp_sum(v);
  }
  template <typename T>
  __device__ T max(T v) const {
    return warp_max(v);
  }
};

// All threads of the block must call sum/max together (they synchronise).
struct BlockGroup {
  double* scratch_sum;    // 33 doubles of shared memory
  float* scratch_max_f;   // 33 floats
  double* scratch_max_d;  // 33 doubles
  __device__ int rank() const { return threadIdx.x; }
  __device__ int size() const { return blockDim.x; }
  __device__ double sum(double v) const { return block_sum(v, scratch_sum); }
  __device__ float max(float v) const { return block_max(v, scratch_max_f); }
  __device__ double max(double v) const { return block_max(v, scratch_max_d); }
};

// The warp-per-row mapping: warp w of the grid takes rows w, w + warps, ...
__device__ __forceinline__ int64_t global_warp() {
  return (static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) / kWarpSize;
}
__device__ __forceinline__ int64_t total_warps() {
  return static_cast<int64_t>(gridDim.x) * blockDim.x / kWarpSize;
}

}  // namespace nlammr::cuda
