// The CUDA backend's public controls, in plain C++ (no CUDA headers), for
// code built with NLAMMR_WITH_CUDA: memory statistics, the TF32 switch, a
// debugging mode, device information, and the raw-pointer entry points the
// benchmarks call. Tensors reach the CUDA kernels through backend_for() like
// everywhere else; nothing here is needed for that.
#pragma once

#ifdef NLAMMR_WITH_CUDA

#include <cstdint>
#include <string>

#include "kernels/cuda/caching_allocator.h"

namespace nlammr::cuda {

// Number of visible CUDA devices (0 when there is no driver or no GPU).
int device_count();
// "NVIDIA H100 80GB HBM3 (sm_90, 132 SMs, 79.1 GiB)"; throws if unusable.
std::string device_description(int device = 0);

// The caching allocator of a device: bytes in use, cached, peak in use.
MemoryStats memory_stats(int device = 0);
void reset_peak_memory(int device = 0);
// Hands every cached (freed) block back to the driver.
void empty_cache(int device = 0);

// float32 GEMMs are strict IEEE float32 by default. TF32 tensor cores (10-bit
// mantissa inputs, float32 accumulation) are opted into with this switch or
// by setting NLAMMR_CUDA_TF32=1 in the environment.
void set_tf32(bool enabled);
bool tf32_enabled();

// Debug mode: synchronise after every kernel so that an asynchronous fault is
// reported with the name and shapes of the kernel that caused it. Also set by
// NLAMMR_CUDA_SYNC=1 in the environment.
void set_sync_after_launch(bool enabled);
bool sync_after_launch();

// Waits for all queued work on a device.
void synchronize(int device = 0);

// Fused attention forward on raw device pointers with bfloat16 q, k, v and
// out, float32 accumulation and a float32 lse [batch, heads, sq]; the same
// algorithm as the float32 kernel behind Backend::attention_forward. Used by
// the benchmarks; key_mask is uint8 [batch, sk] or null.
struct AttentionShape {
  int64_t batch = 1, heads = 1, sq = 0, sk = 0, d = 0;
};
void attention_forward_bf16(const AttentionShape& shape, const void* q, const void* k, const void* v,
                            const uint8_t* key_mask, double scale, void* out, float* lse, int device = 0);

}  // namespace nlammr::cuda

#endif  // NLAMMR_WITH_CUDA
