// cuDNN's fused scaled-dot-product attention (SDPA), the library baseline of
// bench_attention: forward and backward graphs built with the cuDNN frontend's
// graph API, bfloat16 tensors [B, H, S, D] (contiguous), float32 statistics
// (the log-sum-exp per query row, [B, H, S]). cuDNN's fused attention has no
// float32 path.
//
// Built only when CMake finds the frontend's headers and cuDNN
// (NLAMMR_BENCH_CUDNN_SDPA); bench/cuda/CMakeLists.txt says in the configure
// output when it does not.
#pragma once

#include <cstdint>
#include <memory>

namespace nlammr::bench {

class CudnnSdpa {
 public:
  // Builds both graphs for one shape; throws std::runtime_error with cuDNN's
  // message when cuDNN cannot (an unsupported GPU or shape).
  CudnnSdpa(int64_t batch, int64_t heads, int64_t seq, int64_t head_dim, float scale);
  ~CudnnSdpa();
  CudnnSdpa(const CudnnSdpa&) = delete;
  CudnnSdpa& operator=(const CudnnSdpa&) = delete;

  // Device pointers; q, k, v, o, grad_* are bfloat16, stats float32.
  void forward(const void* q, const void* k, const void* v, void* o, float* stats);
  void backward(const void* q, const void* k, const void* v, const void* o, const void* grad_o,
                const float* stats, void* grad_q, void* grad_k, void* grad_v);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nlammr::bench
