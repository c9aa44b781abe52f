// The backend interface: the only place where the engine touches memory and
// arithmetic. Ops (engine/ops) check shapes, allocate outputs, record the
// autograd graph and then call one of these kernels on the device of their
// inputs. The CPU backend (kernels/cpu) implements every kernel in C++ with
// OpenMP, most as plain readable loops and the hot paths tuned (its own
// float32 GEMM, Eigen for float64 GEMM and attention blocks; see
// kernels/cpu/cpu_backend.h); the CUDA backend (kernels/cuda) implements the
// same list, and is checked against the CPU one kernel by kernel.
//
// Conventions for every kernel below:
//  - Tensors are already on this backend's device and have a compute dtype
//    (float32 or float64) unless stated; index tensors are int32 or int64;
//    masks are uint8 (nonzero = keep).
//  - "contiguous" inputs are guaranteed by the calling op; outputs are always
//    freshly allocated contiguous tensors unless the comment says "in place".
//  - Kernels never allocate tensors visible to the caller and never record
//    autograd history; they are pure functions of their arguments.
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/tensor.h"

namespace nlammr {

enum class UnaryOp : uint8_t {
  Neg, Exp, Log, Sqrt, Abs, Relu, GeluErf, GeluTanh, Tanh, Sigmoid,
  Scale,      // y = alpha * x
  AddScalar,  // y = x + alpha
  PowScalar,  // y = x ^ alpha
};
const char* unary_op_name(UnaryOp op);

enum class BinaryOp : uint8_t {
  Add, Sub, Mul, Div, Pow, Maximum, Minimum,
  GreaterEqual,  // 1 where a >= b, else 0 (masks for the backward of maximum/minimum)
};
const char* binary_op_name(BinaryOp op);

enum class ReduceOp : uint8_t { Sum, Max };

enum class CopyKind : uint8_t { HostToDevice, DeviceToHost, DeviceToDevice };

// C[b] = alpha * op(A[b]) · op(B[b]) + beta * C[b] for b < batch, row-major.
// op(A) is m×k, op(B) is k×n, C is m×n. A batch stride of 0 reuses one
// matrix for every batch entry (a weight shared across a batch).
struct GemmDesc {
  int64_t batch = 1, m = 0, n = 0, k = 0;
  bool trans_a = false, trans_b = false;
  int64_t stride_a = 0, stride_b = 0, stride_c = 0;  // in elements, between batch entries
  double alpha = 1.0, beta = 0.0;
};

struct AdamStepDesc {
  double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0.0;
  int64_t step = 1;        // 1-based, for bias correction
  bool decoupled = false;  // AdamW: decay the weights, not the gradient
};

struct SgdStepDesc {
  double lr = 1e-2, momentum = 0.0, dampening = 0.0, weight_decay = 0.0;
  bool nesterov = false;
  bool first_step = true;  // momentum buffer starts as the gradient
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual const char* name() const = 0;

  // ---- memory -------------------------------------------------------------
  virtual void* allocate(size_t nbytes) = 0;
  virtual void deallocate(void* ptr, size_t nbytes) = 0;
  // Raw byte copies between the host and this device, or within the device.
  virtual void copy_bytes(void* dst, const void* src, size_t nbytes, CopyKind kind) = 0;
  virtual void synchronize() {}

  // ---- layout ---------------------------------------------------------------
  // dst = src elementwise, same shape; both may have any strides (dst may be a
  // view into a larger tensor); converts between any two dtypes.
  virtual void copy(const Tensor& src, const Tensor& dst) = 0;
  // Every element of the contiguous `dst` set to `value`.
  virtual void fill(const Tensor& dst, double value) = 0;

  // ---- elementwise ------------------------------------------------------------
  // y = f(x); x has any strides and y's shape. y may alias x (in place).
  virtual void unary(UnaryOp op, const Tensor& x, const Tensor& y, double alpha) = 0;
  // gx = gy * f'(x); x, y (the forward output), gy contiguous.
  virtual void unary_backward(UnaryOp op, const Tensor& x, const Tensor& y, const Tensor& gy,
                              const Tensor& gx, double alpha) = 0;
  // out = a (op) b; a and b are already broadcast to out's shape (stride 0
  // along broadcast dimensions). out may alias a (in-place accumulation).
  virtual void binary(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out) = 0;

  // ---- reductions -------------------------------------------------------------
  // x contiguous, viewed as [outer, n, inner]; out is [outer, inner].
  // For Max, `argmax` (int64 [outer, inner]) receives the first maximal index.
  virtual void reduce(ReduceOp op, const Tensor& x, int64_t outer, int64_t n, int64_t inner,
                      const Tensor& out, const Tensor& argmax) = 0;
  // gx[o, argmax[o, i], i] = gy[o, i], zero elsewhere (backward of Max).
  virtual void scatter_argmax(const Tensor& gy, const Tensor& argmax, int64_t outer, int64_t n,
                              int64_t inner, const Tensor& gx) = 0;

  // ---- matrix multiply ----------------------------------------------------------
  // a, b, c contiguous buffers laid out as GemmDesc says.
  virtual void gemm(const GemmDesc& desc, const Tensor& a, const Tensor& b, const Tensor& c) = 0;

  // ---- row-wise ops on x viewed as [rows, n] ------------------------------------------
  // Softmax (or log-softmax) over each row, skipping entries whose mask is 0.
  // Masked entries output 0; a fully masked row outputs all zeros, never NaN.
  virtual void softmax_forward(const Tensor& x, const Tensor& mask, const Tensor& y, bool log) = 0;
  virtual void softmax_backward(const Tensor& y, const Tensor& gy, const Tensor& mask, const Tensor& gx,
                                bool log) = 0;
  // y = (x - mean) * rstd * weight + bias; mean and rstd ([rows], float) are saved.
  virtual void layernorm_forward(const Tensor& x, const Tensor& weight, const Tensor& bias, double eps,
                                 const Tensor& y, const Tensor& mean, const Tensor& rstd) = 0;
  // gweight/gbias may be undefined (not needed); they are overwritten, not accumulated.
  virtual void layernorm_backward(const Tensor& x, const Tensor& weight, const Tensor& mean,
                                  const Tensor& rstd, const Tensor& gy, const Tensor& gx,
                                  const Tensor& gweight, const Tensor& gbias) = 0;

  // ---- batch normalisation over the rows of x [N, C] (optional) ---------------------------
  // Fused kernels for the batch_norm op. A backend without them keeps the
  // defaults (fuses_batch_norm() false, the kernels throw), and the op
  // composes the same computation from the elementwise kernels above.
  virtual bool fuses_batch_norm() const { return false; }
  // mean [C] and biased variance var [C] of each column over the N rows.
  virtual void batchnorm_stats(const Tensor& x, const Tensor& mean, const Tensor& var);
  // y = (x - mean) * rstd * weight + bias, column-wise; mean and rstd [C];
  // weight and bias [C] or undefined (1 and 0).
  virtual void batchnorm_apply(const Tensor& x, const Tensor& mean, const Tensor& rstd, const Tensor& weight,
                               const Tensor& bias, const Tensor& y);
  // Gradients of batchnorm_apply, with xhat = (x - mean) * rstd and g = gy * weight:
  //   batch_stats (training: mean and rstd are x's own statistics)
  //     gx = rstd * (g - colmean(g) - xhat * colmean(g * xhat))
  //   otherwise (running statistics, constants): gx = g * rstd
  //   gweight = column sums of gy * xhat, gbias = column sums of gy (each may be undefined)
  virtual void batchnorm_backward(const Tensor& x, const Tensor& mean, const Tensor& rstd, const Tensor& weight,
                                  const Tensor& gy, bool batch_stats, const Tensor& gx, const Tensor& gweight,
                                  const Tensor& gbias);

  // ---- rows by index (x viewed as [rows, width]) --------------------------------------
  // y[i] = x[index[i]]
  virtual void index_select_rows(const Tensor& x, const Tensor& index, const Tensor& y) = 0;
  // out[index[i]] += src[i], in place on out, deterministic (fixed order of i).
  virtual void index_add_rows(const Tensor& src, const Tensor& index, const Tensor& out) = 0;
  // y[s] = sum of x[offsets[s] .. offsets[s+1]) (CSR segments, sorted).
  virtual void segment_sum_rows(const Tensor& x, const Tensor& offsets, const Tensor& y) = 0;
  // gx[i] = gy[s] for every row i of segment s (backward of segment_sum).
  virtual void segment_expand_rows(const Tensor& gy, const Tensor& offsets, const Tensor& gx) = 0;

  // ---- graph message passing (the GIN) ------------------------------------------------
  // Edges are sorted by destination: the incoming edges of node v are
  // dst_offsets[v] .. dst_offsets[v+1] (CSR, like segment_sum), and src [E]
  // (int32/int64, the offsets' dtype need not match) names each edge's source
  // node. x [N, d], edge_emb [E, d], out [V, d] with V = dst_offsets.numel() - 1:
  //   out[v] = sum over incoming edges e of relu(x[src[e]] + edge_emb[e]),
  // added in edge order (deterministic, no atomics).
  virtual void gin_message_forward(const Tensor& x, const Tensor& edge_emb, const Tensor& src,
                                   const Tensor& dst_offsets, const Tensor& out) = 0;
  // gedge[e] = gout[v] where x[src[e]] + edge_emb[e] > 0, else 0 (e incoming to v);
  // gx[u] = sum of gedge over the edges leaving u, in edge order (index_add by src).
  virtual void gin_message_backward(const Tensor& x, const Tensor& edge_emb, const Tensor& src,
                                    const Tensor& dst_offsets, const Tensor& gout, const Tensor& gx,
                                    const Tensor& gedge) = 0;

  // ---- attention ------------------------------------------------------------------
  // q [B, H, Sq, D], k and v [B, H, Sk, D] contiguous; key_mask uint8 [B, Sk] or
  // undefined. out [B, H, Sq, D]; lse [B, H, Sq] (float32/64 like q) receives the
  // log-sum-exp of each query's scaled scores (-inf for a fully masked row,
  // whose output is 0).
  virtual void attention_forward(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& key_mask,
                                 double scale, const Tensor& out, const Tensor& lse) = 0;
  virtual void attention_backward(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& out,
                                  const Tensor& lse, const Tensor& gout, const Tensor& key_mask,
                                  double scale, const Tensor& gq, const Tensor& gk, const Tensor& gv) = 0;

  // ---- fused losses: loss is a scalar tensor; grad (dloss/dinput, may be
  // undefined when not needed) has the input's shape ---------------------------------
  // Mean over all elements of max(x,0) - x*t + log(1 + exp(-|x|)).
  virtual void bce_with_logits(const Tensor& logits, const Tensor& targets, const Tensor& loss,
                               const Tensor& grad) = 0;
  // PyTorch's multilabel_margin_loss, mean reduction. target int64 [N, C]:
  // each row lists class indices and ends at the first -1.
  virtual void multilabel_margin(const Tensor& input, const Tensor& target, const Tensor& loss,
                                 const Tensor& grad) = 0;
  // Mean cross-entropy of logits [N, C] against class ids [N] (int64),
  // rows whose id equals ignore_index are left out.
  virtual void cross_entropy(const Tensor& logits, const Tensor& target, int64_t ignore_index,
                             const Tensor& loss, const Tensor& grad) = 0;
  // Symmetric multi-positive InfoNCE over a similarity matrix [N, M] with a
  // uint8 positives mask [N, M]; see ops/loss.cpp for the definition.
  virtual void contrastive(const Tensor& sim, const Tensor& positives, double temperature,
                           const Tensor& loss, const Tensor& grad) = 0;

  // ---- randomness and optimizers ----------------------------------------------------
  // mask[i] = 0 with probability p, else 1/(1-p), from a counter-based RNG
  // stream (seed, offset + i): the same bits on every device and thread count.
  virtual void dropout_mask(const Tensor& mask, double p, uint64_t seed, uint64_t offset) = 0;
  // In-place optimizer updates of param (and its state tensors), all contiguous.
  virtual void adam_step(const Tensor& param, const Tensor& grad, const Tensor& m, const Tensor& v,
                         const AdamStepDesc& desc) = 0;
  virtual void sgd_step(const Tensor& param, const Tensor& grad, const Tensor& momentum_buffer,
                        const SgdStepDesc& desc) = 0;

 private:
  [[noreturn]] void no_fused_batch_norm() const;
};

// The backend that owns a device's memory and kernels.
Backend& backend_for(Device device);
// True when the CUDA backend is compiled in and a GPU is usable.
bool cuda_available();
// True when the build includes the CUDA simulator (device "cuda-sim").
bool simulated_cuda_available();
// Why CUDA is unavailable ("" when it is available), for user-facing messages.
std::string cuda_unavailable_reason();

}  // namespace nlammr
