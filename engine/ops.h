// Every differentiable operation of the engine. Each op checks its inputs,
// computes the forward with backend kernels (engine/backend.h), usually one
// (linear copies the bias into its output before the GEMM; dropout draws a
// mask, then multiplies), and, when autograd is recording, attaches the
// closure that computes its backward.
// Ops never modify their inputs.
//
// Broadcasting follows NumPy/PyTorch: shapes are aligned at the right, and a
// dimension of size 1 stretches to match. Dimensions may be negative.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/tensor.h"

namespace nlammr {

class Generator;

// ---- elementwise (ops/elementwise.cpp) ----------------------------------------
Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);
Tensor pow(const Tensor& a, const Tensor& b);
Tensor maximum(const Tensor& a, const Tensor& b);  // gradient goes to a on ties
Tensor minimum(const Tensor& a, const Tensor& b);
Tensor add(const Tensor& a, double b);
Tensor mul(const Tensor& a, double b);
Tensor pow(const Tensor& a, double exponent);
Tensor neg(const Tensor& x);
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
Tensor sqrt(const Tensor& x);
Tensor abs(const Tensor& x);
Tensor relu(const Tensor& x);
enum class GeluApprox { Erf, Tanh };  // exact erf form (BERT) or the tanh approximation
Tensor gelu(const Tensor& x, GeluApprox approx = GeluApprox::Erf);
Tensor tanh(const Tensor& x);
Tensor sigmoid(const Tensor& x);

inline Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
inline Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
inline Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
inline Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
inline Tensor operator-(const Tensor& x) { return neg(x); }
inline Tensor operator+(const Tensor& a, double b) { return add(a, b); }
inline Tensor operator+(double a, const Tensor& b) { return add(b, a); }
inline Tensor operator-(const Tensor& a, double b) { return add(a, -b); }
inline Tensor operator-(double a, const Tensor& b) { return add(neg(b), a); }
inline Tensor operator*(const Tensor& a, double b) { return mul(a, b); }
inline Tensor operator*(double a, const Tensor& b) { return mul(b, a); }
inline Tensor operator/(const Tensor& a, double b) { return mul(a, 1.0 / b); }

// Shape two tensors broadcast to.
Shape broadcast_shapes(const Shape& a, const Shape& b);

// ---- reductions (ops/reduce.cpp) -------------------------------------------------
Tensor sum(const Tensor& x);  // all elements -> scalar
Tensor sum(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim = false);
Tensor mean(const Tensor& x);
Tensor mean(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim = false);
Tensor max(const Tensor& x, int64_t dim, bool keepdim = false);  // values; gradient to the first max
Tensor argmax(const Tensor& x, int64_t dim, bool keepdim = false);  // int64, no gradient

// ---- shape (ops/shape.cpp; views share storage) ------------------------------------
Tensor reshape(const Tensor& x, const Shape& shape);  // one -1 allowed; copies only if it must
Tensor permute(const Tensor& x, const std::vector<int64_t>& dims);
Tensor transpose(const Tensor& x, int64_t d0, int64_t d1);
Tensor slice(const Tensor& x, int64_t dim, int64_t start, int64_t end);
Tensor unsqueeze(const Tensor& x, int64_t dim);
Tensor squeeze(const Tensor& x, int64_t dim);
Tensor expand(const Tensor& x, const Shape& shape);  // broadcast view (stride 0)
Tensor concat(const std::vector<Tensor>& xs, int64_t dim);
std::vector<Tensor> split(const Tensor& x, const std::vector<int64_t>& sizes, int64_t dim);

// ---- indexing (ops/index.cpp); index tensors are int32 or int64 --------------------
// Rows of x [n, ...] picked by index [m] -> [m, ...].
Tensor index_select(const Tensor& x, const Tensor& index);
// Embedding lookup: weight [vocab, d], ids of any shape -> ids.shape + [d].
Tensor embedding(const Tensor& weight, const Tensor& ids);
// out[index[i]] += src[i]: src [m, ...] -> [num_rows, ...].
Tensor scatter_add(const Tensor& src, const Tensor& index, int64_t num_rows);
// CSR segments: rows offsets[s]..offsets[s+1] of x summed into row s.
Tensor segment_sum(const Tensor& x, const Tensor& offsets);
// Same, divided by segment length (an empty segment gives 0).
Tensor segment_mean(const Tensor& x, const Tensor& offsets);

// ---- graph message passing (ops/graph.cpp) ----------------------------------------
// The GIN's neighbourhood sum with edge features. Edges are sorted by
// destination: dst_offsets [V + 1] (CSR) delimits the incoming edges of each
// node, src [E] names their source nodes. x [N, d], edge_emb [E, d] -> [V, d]:
//   out[v] = sum over incoming edges e = (u -> v) of relu(x[u] + edge_emb[e]).
// Fused: the [E, d] messages are never materialised; deterministic.
Tensor gin_aggregate(const Tensor& x, const Tensor& edge_emb, const Tensor& src, const Tensor& dst_offsets);

// ---- linear algebra (ops/matmul.cpp) ------------------------------------------------
// [.., m, k] x [.., k, n]; batch dims broadcast; 1-D operands as in NumPy.
Tensor matmul(const Tensor& a, const Tensor& b);
// x [.., in] · weightᵀ [out, in] + bias [out] (bias may be undefined).
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias);

// ---- neural-network ops (ops/nn.cpp) ---------------------------------------------
// mask: undefined, or any tensor broadcastable to x, nonzero = keep.
Tensor softmax(const Tensor& x, int64_t dim = -1, const Tensor& mask = Tensor());
Tensor log_softmax(const Tensor& x, int64_t dim = -1, const Tensor& mask = Tensor());
// Normalises over the last dimension; weight/bias [d] may be undefined.
Tensor layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, double eps = 1e-5);
// x [N, C]: batch statistics in training (running stats updated in place,
// PyTorch's momentum convention), running statistics in evaluation.
Tensor batch_norm(const Tensor& x, const Tensor& running_mean, const Tensor& running_var,
                  const Tensor& weight, const Tensor& bias, bool training, double momentum = 0.1,
                  double eps = 1e-5);
Tensor dropout(const Tensor& x, double p, bool training, Generator& gen);
// q [B, H, Sq, D], k/v [B, H, Sk, D]; key_padding_mask [B, Sk] (nonzero = real
// token) or undefined; scale defaults to 1/sqrt(D) when <= 0.
Tensor scaled_dot_product_attention(const Tensor& q, const Tensor& k, const Tensor& v,
                                    const Tensor& key_padding_mask = Tensor(), double scale = -1.0);

// ---- losses (ops/loss.cpp); each returns a scalar (mean reduction) --------------
Tensor bce_with_logits(const Tensor& logits, const Tensor& targets);
Tensor multilabel_margin_loss(const Tensor& input, const Tensor& target);
Tensor cross_entropy(const Tensor& logits, const Tensor& target, int64_t ignore_index = -100);
// Symmetric InfoNCE with several positives per row/column; see ops/loss.cpp.
Tensor contrastive_loss(const Tensor& similarity, const Tensor& positives, double temperature);

}  // namespace nlammr
