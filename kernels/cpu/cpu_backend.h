// The CPU backend: every kernel of engine/backend.h, one source file per
// group (named beside each group below). These are the reference
// implementations the CUDA kernels are tested against. Most are plain C++
// loops written for clarity; the hot paths are tuned for speed: the float32
// GEMM is the project's own packed, register-blocked GEMM with an AVX2/FMA
// micro-kernel (gemm_f32.cpp), float64 GEMM and the attention blocks use
// Eigen (gemm_eigen.cpp, attention.cpp), and exp/erf in the float loops use
// the vectorisable formulas of vector_math.h. OpenMP spreads independent
// rows, columns, tiles or blocks over threads.
//
// Determinism: results are bit-identical for any thread count. Work is cut
// into pieces whose size does not depend on the number of threads: most
// kernels give each output element to one thread, which sums in a fixed
// order; the long sums (reduce.cpp, batchnorm.cpp) add fixed-size blocks in
// parallel and then combine the partial sums in block order
// (tests/engine/test_determinism.cpp).
#pragma once

#include "engine/backend.h"

namespace nlammr {

class CpuBackend final : public Backend {
 public:
  const char* name() const override { return "cpu"; }

  // memory.cpp
  void* allocate(size_t nbytes) override;
  void deallocate(void* ptr, size_t nbytes) override;
  void copy_bytes(void* dst, const void* src, size_t nbytes, CopyKind kind) override;

  // copy_fill.cpp
  void copy(const Tensor& src, const Tensor& dst) override;
  void fill(const Tensor& dst, double value) override;

  // elementwise.cpp
  void unary(UnaryOp op, const Tensor& x, const Tensor& y, double alpha) override;
  void unary_backward(UnaryOp op, const Tensor& x, const Tensor& y, const Tensor& gy, const Tensor& gx,
                      double alpha) override;
  void binary(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out) override;

  // reduce.cpp
  void reduce(ReduceOp op, const Tensor& x, int64_t outer, int64_t n, int64_t inner, const Tensor& out,
              const Tensor& argmax) override;
  void scatter_argmax(const Tensor& gy, const Tensor& argmax, int64_t outer, int64_t n, int64_t inner,
                      const Tensor& gx) override;

  // gemm.cpp
  void gemm(const GemmDesc& desc, const Tensor& a, const Tensor& b, const Tensor& c) override;

  // softmax.cpp
  void softmax_forward(const Tensor& x, const Tensor& mask, const Tensor& y, bool log) override;
  void softmax_backward(const Tensor& y, const Tensor& gy, const Tensor& mask, const Tensor& gx,
                        bool log) override;

  // layernorm.cpp
  void layernorm_forward(const Tensor& x, const Tensor& weight, const Tensor& bias, double eps,
                         const Tensor& y, const Tensor& mean, const Tensor& rstd) override;
  void layernorm_backward(const Tensor& x, const Tensor& weight, const Tensor& mean, const Tensor& rstd,
                          const Tensor& gy, const Tensor& gx, const Tensor& gweight,
                          const Tensor& gbias) override;

  // batchnorm.cpp
  bool fuses_batch_norm() const override { return true; }
  void batchnorm_stats(const Tensor& x, const Tensor& mean, const Tensor& var) override;
  void batchnorm_apply(const Tensor& x, const Tensor& mean, const Tensor& rstd, const Tensor& weight,
                       const Tensor& bias, const Tensor& y) override;
  void batchnorm_backward(const Tensor& x, const Tensor& mean, const Tensor& rstd, const Tensor& weight,
                          const Tensor& gy, bool batch_stats, const Tensor& gx, const Tensor& gweight,
                          const Tensor& gbias) override;
  // index.cpp
  void index_select_rows(const Tensor& x, const Tensor& index, const Tensor& y) override;
  void index_add_rows(const Tensor& src, const Tensor& index, const Tensor& out) override;
  void segment_sum_rows(const Tensor& x, const Tensor& offsets, const Tensor& y) override;
  void segment_expand_rows(const Tensor& gy, const Tensor& offsets, const Tensor& gx) override;

  // message_passing.cpp
  void gin_message_forward(const Tensor& x, const Tensor& edge_emb, const Tensor& src,
                           const Tensor& dst_offsets, const Tensor& out) override;
  void gin_message_backward(const Tensor& x, const Tensor& edge_emb, const Tensor& src,
                            const Tensor& dst_offsets, const Tensor& gout, const Tensor& gx,
                            const Tensor& gedge) override;

  // attention.cpp
  void attention_forward(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& key_mask,
                         double scale, const Tensor& out, const Tensor& lse) override;
  void attention_backward(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& out,
                          const Tensor& lse, const Tensor& gout, const Tensor& key_mask, double scale,
                          const Tensor& gq, const Tensor& gk, const Tensor& gv) override;

  // losses.cpp
  void bce_with_logits(const Tensor& logits, const Tensor& targets, const Tensor& loss,
                       const Tensor& grad) override;
  void multilabel_margin(const Tensor& input, const Tensor& target, const Tensor& loss,
                         const Tensor& grad) override;
  void cross_entropy(const Tensor& logits, const Tensor& target, int64_t ignore_index, const Tensor& loss,
                     const Tensor& grad) override;
  void contrastive(const Tensor& sim, const Tensor& positives, double temperature, const Tensor& loss,
                   const Tensor& grad) override;

  // random_optim.cpp
  void dropout_mask(const Tensor& mask, double p, uint64_t seed, uint64_t offset) override;
  void adam_step(const Tensor& param, const Tensor& grad, const Tensor& m, const Tensor& v,
                 const AdamStepDesc& desc) override;
  void sgd_step(const Tensor& param, const Tensor& grad, const Tensor& momentum_buffer,
                const SgdStepDesc& desc) override;
};

}  // namespace nlammr
