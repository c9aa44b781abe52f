// Stand-in for the CUDA runtime header when kernels/cuda is compiled by the
// host C++ compiler against the simulator (NLAMMR_CUDA_SIM): the qualifiers,
// built-in variables, intrinsics and runtime API the kernel files use, served
// by kernels/cuda_sim/sim_runtime.h. Only what the kernels need is here; a
// kernel that uses more fails to compile rather than running wrongly.
#pragma once

#include <math.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "kernels/cuda_sim/sim_runtime.h"

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __align__(n) alignas(n)
// Static shared memory: one instance, used by one block at a time (blocks run
// one after another and launches are serialised).
#define __shared__ static
#define __restrict__

#define threadIdx (::cudasim::coords().thread)
#define blockIdx (::cudasim::coords().block)
#define blockDim (::cudasim::coords().block_dim)
#define gridDim (::cudasim::coords().grid_dim)
constexpr int warpSize = 32;

#define __syncthreads() ::cudasim::syncthreads(__FILE__, __LINE__)
#define __syncwarp(...) ::cudasim::syncwarp(::cudasim::mask_or_full(__VA_ARGS__), __FILE__, __LINE__)
#define __shfl_sync(mask, v, src, ...)                                                                      \
  ::cudasim::shfl(mask, v, ::cudasim::Shuffle::Index, src, ::cudasim::width_or_full(__VA_ARGS__), __FILE__, \
                  __LINE__)
#define __shfl_up_sync(mask, v, delta, ...)                                                                \
  ::cudasim::shfl(mask, v, ::cudasim::Shuffle::Up, delta, ::cudasim::width_or_full(__VA_ARGS__), __FILE__, \
                  __LINE__)
#define __shfl_down_sync(mask, v, delta, ...)                                                                \
  ::cudasim::shfl(mask, v, ::cudasim::Shuffle::Down, delta, ::cudasim::width_or_full(__VA_ARGS__), __FILE__, \
                  __LINE__)
#define __shfl_xor_sync(mask, v, lane_mask, ...)                                                      \
  ::cudasim::shfl(mask, v, ::cudasim::Shuffle::Xor, lane_mask, ::cudasim::width_or_full(__VA_ARGS__), \
                  __FILE__, __LINE__)
#define __ballot_sync(mask, pred) ::cudasim::ballot(mask, (pred) != 0, __FILE__, __LINE__)
#define __any_sync(mask, pred) (::cudasim::ballot(mask, (pred) != 0, __FILE__, __LINE__) != 0u)
#define __all_sync(mask, pred) \
  (::cudasim::ballot(mask, (pred) != 0, __FILE__, __LINE__) == ::cudasim::mask_of_present(mask))
#define __activemask() ::cudasim::active_mask()

namespace cudasim {
inline unsigned mask_or_full() { return 0xffffffffu; }
inline unsigned mask_or_full(unsigned mask) { return mask; }
inline int width_or_full() { return 32; }
inline int width_or_full(int width) { return width; }
unsigned mask_of_present(unsigned mask);

template <typename T>
T shfl(unsigned mask, T value, Shuffle kind, int arg, int width, const char* file, int line) {
  static_assert(std::is_trivially_copyable<T>::value, "shuffled values must be trivially copyable");
  T result;
  shuffle(mask, &value, &result, sizeof(T), kind, arg, width, file, line);
  return result;
}
}  // namespace cudasim

// ---- atomics ------------------------------------------------------------------------------
// A block's threads never run at the same time, so a plain read-modify-write
// is atomic here; the scope tells racecheck that it is one atomic access.
template <typename T>
inline T atomicAdd(T* address, T value) {
  const ::cudasim::AtomicScope atomic;
  const T old = *address;
  *address = old + value;
  return old;
}
template <typename T>
inline T atomicMin(T* address, T value) {
  const ::cudasim::AtomicScope atomic;
  const T old = *address;
  if (value < old) *address = value;
  return old;
}
template <typename T>
inline T atomicMax(T* address, T value) {
  const ::cudasim::AtomicScope atomic;
  const T old = *address;
  if (old < value) *address = value;
  return old;
}
template <typename T>
inline T atomicExch(T* address, T value) {
  const ::cudasim::AtomicScope atomic;
  const T old = *address;
  *address = value;
  return old;
}
template <typename T>
inline T atomicCAS(T* address, T compare, T value) {
  const ::cudasim::AtomicScope atomic;
  const T old = *address;
  if (old == compare) *address = value;
  return old;
}

// ---- math: CUDA's overloaded min/max and the float intrinsics ---------------------------
template <typename A, typename B>
inline auto min(A a, B b) -> typename std::common_type<A, B>::type {
  using C = typename std::common_type<A, B>::type;
  return static_cast<C>(b) < static_cast<C>(a) ? static_cast<C>(b) : static_cast<C>(a);
}
template <typename A, typename B>
inline auto max(A a, B b) -> typename std::common_type<A, B>::type {
  using C = typename std::common_type<A, B>::type;
  return static_cast<C>(a) < static_cast<C>(b) ? static_cast<C>(b) : static_cast<C>(a);
}
inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }
inline double rsqrt(double x) { return 1.0 / sqrt(x); }
inline float __expf(float x) { return expf(x); }
inline float __logf(float x) { return logf(x); }
inline float __fdividef(float a, float b) { return a / b; }
inline int __popc(unsigned x) { return __builtin_popcount(x); }
inline int __popcll(unsigned long long x) { return __builtin_popcountll(x); }
inline int __ffs(int x) { return __builtin_ffs(x); }
inline int __clz(int x) { return x == 0 ? 32 : __builtin_clz(static_cast<unsigned>(x)); }

// ---- runtime API ------------------------------------------------------------------------
enum cudaError_t {
  cudaSuccess = 0,
  cudaErrorInvalidValue = 1,
  cudaErrorMemoryAllocation = 2,
  cudaErrorInvalidConfiguration = 9,
  cudaErrorInvalidDevicePointer = 17,
  cudaErrorNoDevice = 100,
  cudaErrorLaunchFailure = 719,
};
using cudaError = cudaError_t;
enum cudaMemcpyKind {
  cudaMemcpyHostToHost = 0,
  cudaMemcpyHostToDevice = 1,
  cudaMemcpyDeviceToHost = 2,
  cudaMemcpyDeviceToDevice = 3,
  cudaMemcpyDefault = 4
};
enum cudaDeviceAttr { cudaDevAttrMaxSharedMemoryPerBlockOptin = 97, cudaDevAttrMultiProcessorCount = 16 };
enum cudaFuncAttribute { cudaFuncAttributeMaxDynamicSharedMemorySize = 8 };
constexpr unsigned cudaStreamNonBlocking = 1;
constexpr unsigned cudaEventDefault = 0;

struct CUstream_st;
struct CUevent_st;
using cudaStream_t = CUstream_st*;
using cudaEvent_t = CUevent_st*;

struct cudaDeviceProp {
  char name[256];
  size_t totalGlobalMem;
  size_t sharedMemPerBlock;
  size_t sharedMemPerBlockOptin;
  int warpSize;
  int maxThreadsPerBlock;
  int multiProcessorCount;
  int major, minor;
  int clockRate;
  int memoryClockRate;
  int memoryBusWidth;
};

cudaError_t cudaGetDeviceCount(int* count);
cudaError_t cudaGetDeviceProperties(cudaDeviceProp* prop, int device);
cudaError_t cudaDeviceGetAttribute(int* value, cudaDeviceAttr attr, int device);
cudaError_t cudaSetDevice(int device);
cudaError_t cudaGetDevice(int* device);
cudaError_t cudaDeviceSynchronize();
cudaError_t cudaGetLastError();
cudaError_t cudaPeekAtLastError();
const char* cudaGetErrorName(cudaError_t err);
const char* cudaGetErrorString(cudaError_t err);

cudaError_t cudaMalloc(void** ptr, size_t bytes);
template <typename T>
inline cudaError_t cudaMalloc(T** ptr, size_t bytes) {
  return cudaMalloc(reinterpret_cast<void**>(ptr), bytes);
}
cudaError_t cudaFree(void* ptr);
cudaError_t cudaMemcpy(void* dst, const void* src, size_t bytes, cudaMemcpyKind kind);
cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t bytes, cudaMemcpyKind kind,
                            cudaStream_t stream = nullptr);
cudaError_t cudaMemset(void* dst, int value, size_t bytes);
cudaError_t cudaMemsetAsync(void* dst, int value, size_t bytes, cudaStream_t stream = nullptr);

cudaError_t cudaStreamCreate(cudaStream_t* stream);
cudaError_t cudaStreamCreateWithFlags(cudaStream_t* stream, unsigned flags);
cudaError_t cudaStreamDestroy(cudaStream_t stream);
cudaError_t cudaStreamSynchronize(cudaStream_t stream);
cudaError_t cudaEventCreate(cudaEvent_t* event);
cudaError_t cudaEventDestroy(cudaEvent_t event);
cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream = nullptr);
cudaError_t cudaEventSynchronize(cudaEvent_t event);
cudaError_t cudaEventElapsedTime(float* ms, cudaEvent_t start, cudaEvent_t end);
cudaError_t cudaStreamWaitEvent(cudaStream_t stream, cudaEvent_t event, unsigned flags = 0);

template <typename F>
inline cudaError_t cudaFuncSetAttribute(F*, cudaFuncAttribute, int) {
  return cudaSuccess;
}

namespace cudasim {
// Records a failed launch for cudaGetLastError.
void set_launch_error(cudaError_t err);
}  // namespace cudasim
