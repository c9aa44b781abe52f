// The broken kernels of broken_kernels.h. Written as CUDA, compiled only for
// the simulator (tests/CMakeLists.txt), launched through the same launch
// helper as the real kernels.
#include <cuda_runtime.h>

#include <vector>

#include "kernels/cuda/launch.cuh"
#include "tests/cuda_sim/broken_kernels.h"

namespace nlammr::sim_fixtures {
namespace {

constexpr int kThreads = 64;

__global__ void shared_write_race_kernel(int* out) {
  __shared__ int cell[1];
  cell[0] = static_cast<int>(threadIdx.x);  // RACE-SHARED: every thread, the same word, no barrier
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
  if (i < n) out[i] = in[i + 1];  // OUT-OF-BOUNDS: in has n elements
}

__global__ void global_write_race_kernel(int* out) {
  if (threadIdx.x == 0) out[0] = static_cast<int>(blockIdx.x);  // RACE-GLOBAL: every block, no atomic
}

// A histogram of in[] into bins[] with plain increments: threads of one
// block and of different blocks update the same bin unordered.
__global__ void plain_histogram_kernel(const int* in, int* bins, int n) {
  const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (i < n) bins[in[i]] += 1;  // RACE-HISTOGRAM
}

// The same histogram done right: atomicAdd, never a report.
__global__ void atomic_histogram_kernel(const int* in, int* bins, int n) {
  const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (i < n) atomicAdd(&bins[in[i]], 1);
}

// Each block sums its slice through shared memory, thread 0 writes the
// block's result; the last read (of out[0] by block 1's thread 0) is of
// another block's write.
__global__ void read_other_block_kernel(const float* in, float* out) {
  const int t = threadIdx.x;
  out[blockIdx.x * kThreads + t] = in[blockIdx.x * kThreads + t];
  __syncthreads();
  // Within the block the barrier orders the write of out[t] and this read;
  // block 1 reading block 0's out[0] is not ordered by anything.
  if (t == 0 && blockIdx.x == 1) out[kThreads + 1] = out[0];  // RACE-OTHER-BLOCK
}

// Reads every element of `in`, whose second half was never written.
__global__ void uninitialised_read_kernel(const float* in, float* out, int n) {
  const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (i < n) out[i] = in[i] * 2.0f;  // UNINITIALISED-READ
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

// Copied in with cudaMemcpy, as on a GPU: memcheck then knows the bytes are
// initialised.
template <typename T>
T* device_array(int n, T value) {
  T* p = nullptr;
  cudaMalloc(&p, sizeof(T) * n);
  const std::vector<T> host(static_cast<size_t>(n), value);
  cudaMemcpy(p, host.data(), sizeof(T) * n, cudaMemcpyHostToDevice);
  return p;
}

template <typename T>
std::vector<T> to_host(const T* p, int n) {
  std::vector<T> host(static_cast<size_t>(n));
  cudaMemcpy(host.data(), p, sizeof(T) * n, cudaMemcpyDeviceToHost);
  return host;
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
  *result = to_host(out, 1)[0];
  cudaFree(in), cudaFree(out);
  return launched_ok();
}

bool global_write_race() {
  int* out = device_array<int>(1, 0);
  cuda::launch("global_write_race_kernel", global_write_race_kernel, 3, kThreads, 0, nullptr, out);
  cudaFree(out);
  return launched_ok();
}

// 200 values in 4 bins over 4 blocks of 64 threads.
std::vector<int> histogram_input() {
  std::vector<int> v(200);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<int>(i * 7 % 4);
  return v;
}

bool plain_histogram() {
  const std::vector<int> values = histogram_input();
  const int n = static_cast<int>(values.size());
  int* in = device_array<int>(n, 0);
  cudaMemcpy(in, values.data(), sizeof(int) * n, cudaMemcpyHostToDevice);
  int* bins = device_array<int>(4, 0);
  cuda::launch("plain_histogram_kernel", plain_histogram_kernel, 4, kThreads, 0, nullptr, in, bins, n);
  cudaFree(in), cudaFree(bins);
  return launched_ok();
}

bool atomic_histogram(std::vector<int>* bins_out) {
  const std::vector<int> values = histogram_input();
  const int n = static_cast<int>(values.size());
  int* in = device_array<int>(n, 0);
  cudaMemcpy(in, values.data(), sizeof(int) * n, cudaMemcpyHostToDevice);
  int* bins = nullptr;
  cudaMalloc(&bins, sizeof(int) * 4);
  cudaMemset(bins, 0, sizeof(int) * 4);
  cuda::launch("atomic_histogram_kernel", atomic_histogram_kernel, 4, kThreads, 0, nullptr, in, bins, n);
  *bins_out = to_host(bins, 4);
  cudaFree(in), cudaFree(bins);
  return launched_ok();
}

bool read_other_blocks_write() {
  float* in = device_array<float>(2 * kThreads, 1.0f);
  float* out = device_array<float>(2 * kThreads, 0.0f);
  cuda::launch("read_other_block_kernel", read_other_block_kernel, 2, kThreads, 0, nullptr, in, out);
  cudaFree(in), cudaFree(out);
  return launched_ok();
}

bool uninitialised_read() {
  const int n = 128;
  float* in = nullptr;
  cudaMalloc(&in, sizeof(float) * n);
  cudaMemset(in, 0, sizeof(float) * n / 2);  // the second half stays uninitialised
  float* out = device_array<float>(n, 0.0f);
  cuda::launch("uninitialised_read_kernel", uninitialised_read_kernel, 2, kThreads, 0, nullptr, in, out, n);
  cudaFree(in), cudaFree(out);
  return launched_ok();
}

std::vector<size_t> initialization_after_copies() {
  float* a = nullptr;
  float* b = nullptr;
  cudaMalloc(&a, 64);
  cudaMalloc(&b, 64);
  std::vector<size_t> steps;
  steps.push_back(cudasim::uninitialized_bytes(a, 64));
  cudaMemset(a, 0, 32);
  steps.push_back(cudasim::uninitialized_bytes(a, 64));
  cudaMemcpy(b, a, 64, cudaMemcpyDeviceToDevice);
  steps.push_back(cudasim::uninitialized_bytes(b, 64));
  const std::vector<float> host(8, 1.0f);
  cudaMemcpy(a + 8, host.data(), 32, cudaMemcpyHostToDevice);
  steps.push_back(cudasim::uninitialized_bytes(a, 64));
  cudaMemcpy(b + 8, a + 8, 16, cudaMemcpyDeviceToDevice);
  steps.push_back(cudasim::uninitialized_bytes(b, 64));
  cudaFree(a), cudaFree(b);
  return steps;
}

}  // namespace nlammr::sim_fixtures
