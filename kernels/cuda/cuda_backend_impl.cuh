// The CUDA backend class, shared by the kernel files (one per kernel family,
// beside their CPU references in kernels/cpu). Each file implements its
// methods by launching kernels on the device's single stream.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <initializer_list>
#include <stdexcept>
#include <string>

#include "engine/backend.h"
#include "kernels/common/dispatch.h"
#include "kernels/cuda/caching_allocator.h"
#include "kernels/cuda/cuda_check.cuh"
#include "kernels/cuda/launch.cuh"
#include "kernels/cuda/validation_memo.h"

namespace nlammr::cuda {

// Device memory from the caching allocator for the duration of a scope:
// scratch space of a kernel sequence (partial sums, sort buffers).
class DeviceBuffer {
 public:
  DeviceBuffer(CachingAllocator& allocator, size_t nbytes)
      : allocator_(&allocator), ptr_(allocator.allocate(nbytes)) {}
  ~DeviceBuffer() {
    if (ptr_) allocator_->deallocate(ptr_);
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer(DeviceBuffer&& other) noexcept : allocator_(other.allocator_), ptr_(other.ptr_) {
    other.ptr_ = nullptr;
  }

  template <typename T>
  T* as() const {
    return static_cast<T*>(ptr_);
  }

 private:
  CachingAllocator* allocator_;
  void* ptr_;
};

class CudaBackend final : public Backend {
 public:
  explicit CudaBackend(int device);
#ifdef NLAMMR_CUDA_SIM
  const char* name() const override { return "cuda-sim"; }
#else
  const char* name() const override { return "cuda"; }
#endif

  // memory.cu
  void* allocate(size_t nbytes) override;
  void deallocate(void* ptr, size_t nbytes) override;
  void copy_bytes(void* dst, const void* src, size_t nbytes, CopyKind kind) override;
  void synchronize() override;

  // copy_fill.cu
  void copy(const Tensor& src, const Tensor& dst) override;
  void fill(const Tensor& dst, double value) override;

  // elementwise.cu
  void unary(UnaryOp op, const Tensor& x, const Tensor& y, double alpha) override;
  void unary_backward(UnaryOp op, const Tensor& x, const Tensor& y, const Tensor& gy, const Tensor& gx,
                      double alpha) override;
  void binary(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out) override;

  // reduce.cu
  void reduce(ReduceOp op, const Tensor& x, int64_t outer, int64_t n, int64_t inner, const Tensor& out,
              const Tensor& argmax) override;
  void scatter_argmax(const Tensor& gy, const Tensor& argmax, int64_t outer, int64_t n, int64_t inner,
                      const Tensor& gx) override;

  // gemm.cu
  void gemm(const GemmDesc& desc, const Tensor& a, const Tensor& b, const Tensor& c) override;

  // softmax.cu
  void softmax_forward(const Tensor& x, const Tensor& mask, const Tensor& y, bool log) override;
  void softmax_backward(const Tensor& y, const Tensor& gy, const Tensor& mask, const Tensor& gx,
                        bool log) override;

  // layernorm.cu
  void layernorm_forward(const Tensor& x, const Tensor& weight, const Tensor& bias, double eps,
                         const Tensor& y, const Tensor& mean, const Tensor& rstd) override;
  void layernorm_backward(const Tensor& x, const Tensor& weight, const Tensor& mean, const Tensor& rstd,
                          const Tensor& gy, const Tensor& gx, const Tensor& gweight,
                          const Tensor& gbias) override;

  // index.cu
  void index_select_rows(const Tensor& x, const Tensor& index, const Tensor& y) override;
  void index_add_rows(const Tensor& src, const Tensor& index, const Tensor& out) override;
  void segment_sum_rows(const Tensor& x, const Tensor& offsets, const Tensor& y) override;
  void segment_expand_rows(const Tensor& gy, const Tensor& offsets, const Tensor& gx) override;

  // message_passing.cu
  void gin_message_forward(const Tensor& x, const Tensor& edge_emb, const Tensor& src,
                           const Tensor& dst_offsets, const Tensor& out) override;
  void gin_message_backward(const Tensor& x, const Tensor& edge_emb, const Tensor& src,
                            const Tensor& dst_offsets, const Tensor& gout, const Tensor& gx,
                            const Tensor& gedge) override;

  // attention.cu
  void attention_forward(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& key_mask,
                         double scale, const Tensor& out, const Tensor& lse) override;
  void attention_backward(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& out,
                          const Tensor& lse, const Tensor& gout, const Tensor& key_mask, double scale,
                          const Tensor& gq, const Tensor& gk, const Tensor& gv) override;

  // losses.cu
  void bce_with_logits(const Tensor& logits, const Tensor& targets, const Tensor& loss,
                       const Tensor& grad) override;
  void multilabel_margin(const Tensor& input, const Tensor& target, const Tensor& loss,
                         const Tensor& grad) override;
  void cross_entropy(const Tensor& logits, const Tensor& target, int64_t ignore_index, const Tensor& loss,
                     const Tensor& grad) override;
  void contrastive(const Tensor& sim, const Tensor& positives, double temperature, const Tensor& loss,
                   const Tensor& grad) override;

  // random_optim.cu
  void dropout_mask(const Tensor& mask, double p, uint64_t seed, uint64_t offset) override;
  void adam_step(const Tensor& param, const Tensor& grad, const Tensor& m, const Tensor& v,
                 const AdamStepDesc& desc) override;
  void sgd_step(const Tensor& param, const Tensor& grad, const Tensor& momentum_buffer,
                const SgdStepDesc& desc) override;

  // ---- for the kernel files ---------------------------------------------------------
  int device() const { return device_; }
  cudaStream_t stream() const { return stream_; }
  cublasHandle_t cublas() const { return cublas_; }
  // Largest dynamic shared memory one block may request (after opting in).
  size_t max_shared_memory_per_block() const { return smem_optin_; }
  CachingAllocator& allocator() { return allocator_; }
  // Makes this backend's device current on the calling host thread (only
  // needed, and only done, when there are several devices).
  void activate() const;
  DeviceBuffer scratch(size_t nbytes) { return DeviceBuffer(allocator_, nbytes); }
  // Copies device memory to the host and waits (validation results).
  void read_back(void* host, const void* device, size_t nbytes);

  // Throws the CPU backend's message when an index lies outside [0, limit)
  // (entries equal to `ignore` are allowed when has_ignore): one small kernel
  // and one 8-byte read back.
  void check_indices(const Tensor& index, int64_t limit, const char* what, bool has_ignore = false,
                     int64_t ignore = 0);
  // Throws unless CSR offsets [segments + 1] start at 0, never decrease and
  // end at `rows`, with the CPU backend's messages.
  void check_offsets(const Tensor& offsets, int64_t segments, int64_t rows, const char* kernel);
  // The same checks, skipped when they passed before on the same memory and
  // nothing has written it since (validation_memo.h): for the GIN's graph
  // indices, constant for a whole training step.
  void check_indices_once(const Tensor& index, int64_t limit, const char* what);
  void check_offsets_once(const Tensor& offsets, int64_t segments, int64_t rows, const char* kernel);
  // Whatever was validated in [ptr, ptr + bytes) must be checked again.
  void forget_validation(const void* ptr, size_t bytes) { validated_.forget(ptr, bytes); }
  void forget_validation(const Tensor& written);  // the memory a (strided) tensor spans
  ValidationMemo& validation_memo() { return validated_; }

 private:
  int device_;
  bool multi_device_ = false;
  cudaStream_t stream_ = nullptr;
  cublasHandle_t cublas_ = nullptr;
  size_t smem_optin_ = 48 * 1024;
  CachingAllocator allocator_;
  ValidationMemo validated_;
};

// The backend of device `index` (created on first use; throws when CUDA is unusable).
CudaBackend& backend_of(int index);

// ---- host-side helpers for the kernel files ---------------------------------------------

// dtype dispatch and data pointers, as the CPU kernels use them.
using kernels::dispatch_float;
using kernels::dispatch_index;
using kernels::ptr;

// "float32[2, 3] strides [3, 1]; int64[4]" for error messages.
std::string describe(std::initializer_list<Tensor> tensors);
std::string describe_dims(std::initializer_list<int64_t> dims);

}  // namespace nlammr::cuda
