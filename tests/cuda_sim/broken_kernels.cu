// The broken kernels of broken_kernels.h. Written as CUDA, compiled only for
// the simulator (tests/CMakeLists.txt), launched through the same launch
// helper as the real kernels.
#include <cuda_runtime.h>

#include "kernels/cuda/launch.cuh"
#include "tests/cuda_sim/broken_kernels.h"

namespace nlammr::sim_fixtures {
namespace {

constexpr int kThreads = 64;

__global__ void shared_write_race_kernel(int* out) {
  __shared__ int cell[1];
  cell[0] = static_cast<int>(threadIdx.x);  // every thread, the same word, no barrier
  __syncthreads();
  if (threadIdx.x == 0) out[blockIdx.x] = cell[0];
}

__global__ void missing_barrier_kernel(const float* in, float* out) {
  __shared__ float tile[kThreads];
  const int t = threadIdx.x;
  tile[t] = in[t];
  // __syncthreads() belongs here.
  out[t] = tile[(t + 1) % kThreads];
}

__global__ void divergent_barrier_kernel(float* out) {
  __shared__ float tile[kThreads];
  const int t = threadIdx.x;
  tile[t] = static_cast<float>(t);
  if (t < kThreads / 2) __syncthreads();  // only half of the block gets here
  out[t] = tile[t];
}

__global__ void out_of_bounds_kernel(const float* in, float* out, int n) {
  const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (i < n) out[i] = in[i + 1];  // in has n elements
}

__global__ void bad_mask_kernel(float* out) {
  const int lane = threadIdx.x % 32;
  float v = static_cast<float>(threadIdx.x);
  if (lane < 16) v += __shfl_xor_sync(0xffffffffu, v, 1);  // lanes 16..31 never arrive
  out[threadIdx.x] = v;
}

__global__ void block_sum_kernel(const double* in, double* out) {
  __shared__ double partial[kThreads / 32];
  const int t = threadIdx.x;
  double v = in[t];
  for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffffu, v, offset);
  if (t % 32 == 0) partial[t / 32] = v;
  __syncthreads();
  if (t == 0) {
    double total = 0;
    for (int w = 0; w < kThreads / 32; ++w) total += partial[w];
    *out = total;
  }
}

__global__ void shared_column_kernel(float* out, int stride) {
  __shared__ float tile[32 * 33];
  const int lane = threadIdx.x;
  tile[lane * stride] = static_cast<float>(lane);
  __syncwarp();
  out[lane] = tile[lane * stride];
}

template <typename T>
T* device_array(int n, T value) {
  T* p = nullptr;
  cudaMalloc(&p, sizeof(T) * n);
  for (int i = 0; i < n; ++i) p[i] = value;  // device memory is host memory in the simulator
  return p;
}

bool launched_ok() { return cudaGetLastError() == cudaSuccess; }

}  // namespace

bool shared_write_race() {
  int* out = device_array<int>(2, 0);
  cuda::launch("shared_write_race_kernel", shared_write_race_kernel, 2, kThreads, 0, nullptr, out);
  cudaFree(out);
  return launched_ok();
}

bool missing_barrier() {
  float* in = device_array<float>(kThreads, 1.0f);
  float* out = device_array<float>(kThreads, 0.0f);
  cuda::launch("missing_barrier_kernel", missing_barrier_kernel, 1, kThreads, 0, nullptr, in, out);
  cudaFree(in), cudaFree(out);
  return launched_ok();
}

bool barrier_in_divergent_branch() {
  float* out = device_array<float>(kThreads, 0.0f);
  cuda::launch("divergent_barrier_kernel", divergent_barrier_kernel, 1, kThreads, 0, nullptr, out);
  cudaFree(out);
  return launched_ok();
}

bool out_of_bounds_read() {
  const int n = 100;
  float* in = device_array<float>(n, 1.0f);
  float* out = device_array<float>(n, 0.0f);
  cuda::launch("out_of_bounds_kernel", out_of_bounds_kernel, 2, kThreads, 0, nullptr, in, out, n);
  cudaFree(in), cudaFree(out);
  return launched_ok();
}

bool bad_shuffle_mask() {
  float* out = device_array<float>(kThreads, 0.0f);
  cuda::launch("bad_mask_kernel", bad_mask_kernel, 1, kThreads, 0, nullptr, out);
  cudaFree(out);
  return launched_ok();
}

bool shared_column_access(int stride) {
  float* out = device_array<float>(32, 0.0f);
  cuda::launch("shared_column_kernel", shared_column_kernel, 1, 32, 0, nullptr, out, stride);
  cudaFree(out);
  return launched_ok();
}

bool correct_block_sum(double* result) {
  double* in = device_array<double>(kThreads, 0.5);
  double* out = device_array<double>(1, 0.0);
  cuda::launch("block_sum_kernel", block_sum_kernel, 1, kThreads, 0, nullptr, in, out);
  *result = *out;
  cudaFree(in), cudaFree(out);
  return launched_ok();
}

}  // namespace nlammr::sim_fixtures
