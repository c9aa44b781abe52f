#include "models/bert/bert_layers.h"

#include <stdexcept>

#include "engine/autograd.h"
#include "engine/ops.h"

namespace nlammr {

// ---- small parameter holders ---------------------------------------------------

BertLinear::BertLinear(int64_t in_features, int64_t out_features, DType dtype)
    : BertLinear(Tensor::zeros({out_features, in_features}, dtype), Tensor::zeros({out_features}, dtype)) {}

BertLinear::BertLinear(Tensor w, Tensor b) {
  weight = register_parameter("weight", std::move(w));
  bias = register_parameter("bias", std::move(b));
}

BertTable::BertTable(int64_t num, int64_t dim, DType dtype) {
  weight = register_parameter("weight", Tensor::zeros({num, dim}, dtype));
}

Tensor BertDropout::apply(const Tensor& x, bool training) const {
  if (!training || !gen_ || p_ <= 0.0) return x;
  return dropout(x, p_, true, *gen_);
}

Tensor apply_activation(const Tensor& x, HiddenActivation act) {
  switch (act) {
    case HiddenActivation::GeluErf: return gelu(x, GeluApprox::Erf);
    case HiddenActivation::GeluTanh: return gelu(x, GeluApprox::Tanh);
    case HiddenActivation::Relu: return relu(x);
  }
  throw std::logic_error("apply_activation: unknown activation");
}

// ---- embeddings -------------------------------------------------------------------

BertEmbeddings::BertEmbeddings(const BertConfig& config, DType dtype, BertDropout dropout)
    : dropout_(std::move(dropout)) {
  const int64_t H = config.hidden_size;
  word_embeddings = register_module("word_embeddings", std::make_shared<BertTable>(config.vocab_size, H, dtype));
  position_embeddings = register_module(
      "position_embeddings", std::make_shared<BertTable>(config.max_position_embeddings, H, dtype));
  token_type_embeddings =
      register_module("token_type_embeddings", std::make_shared<BertTable>(config.type_vocab_size, H, dtype));
  norm = register_module("LayerNorm", std::make_shared<nn::LayerNorm>(H, config.layer_norm_eps, dtype));
}

Tensor BertEmbeddings::forward(const Tensor& input_ids, const Tensor& token_type_ids) const {
  const int64_t S = input_ids.size(1);
  Tensor words = embedding(word_embeddings->weight, input_ids);  // [B, S, H]
  // Positions are 0..S-1 for every text: the first S rows of the table, a
  // view that broadcasts over the batch (no lookup needed).
  Tensor positions = position_embeddings->weight.slice(0, 0, S);  // [S, H]
  // Without token types every token is in segment 0: row 0, broadcast.
  Tensor types = token_type_ids.defined() ? embedding(token_type_embeddings->weight, token_type_ids)
                                          : token_type_embeddings->weight.slice(0, 0, 1);
  Tensor sum = add(add(words, positions), types);
  return dropout_.apply(norm->forward(sum), is_training());
}

// ---- self-attention ------------------------------------------------------------------

BertSelfAttention::BertSelfAttention(const BertConfig& config, DType dtype)
    : heads_(config.num_attention_heads), head_dim_(config.head_dim()) {
  const int64_t H = config.hidden_size;
  qkv_weight_ = Tensor::zeros({3 * H, H}, dtype);
  qkv_bias_ = Tensor::zeros({3 * H}, dtype);
  auto part = [&](const char* name, int64_t i) {
    // Views of rows i*H .. (i+1)*H: each is a leaf of its own that shares
    // the buffer's storage.
    auto linear = std::make_shared<BertLinear>(qkv_weight_.slice(0, i * H, (i + 1) * H),
                                               qkv_bias_.slice(0, i * H, (i + 1) * H));
    return register_module(name, linear);
  };
  query = part("query", 0);
  key = part("key", 1);
  value = part("value", 2);
}

bool BertSelfAttention::uses_shared_buffers() const {
  for (const BertLinear* l : {query.get(), key.get(), value.get()})
    if (l->weight.storage() != qkv_weight_.storage() || l->bias.storage() != qkv_bias_.storage()) return false;
  return true;
}

Tensor BertSelfAttention::project_qkv(const Tensor& x) const {
  const std::vector<Tensor> params = {query->weight, key->weight, value->weight,
                                      query->bias,   key->bias,   value->bias};
  if (!needs_graph(params) && uses_shared_buffers()) return linear(x, qkv_weight_, qkv_bias_);
  Tensor w = concat({query->weight, key->weight, value->weight}, 0);
  Tensor b = concat({query->bias, key->bias, value->bias}, 0);
  return linear(x, w, b);
}

Tensor BertSelfAttention::forward(const Tensor& x, const Tensor& key_mask) const {
  const int64_t B = x.size(0), S = x.size(1), H = x.size(2);
  Tensor qkv = project_qkv(x);  // [B, S, 3H]
  // [B, S, 3, nh, hd] -> [3, B, nh, S, hd]: a single copy puts Q, K and V in
  // the head-major layout the attention kernel reads; slicing the leading
  // dimension then gives three packed tensors without further copies.
  Tensor heads = qkv.reshape({B, S, 3, heads_, head_dim_}).permute({2, 0, 3, 1, 4}).contiguous();
  Tensor q = heads.slice(0, 0, 1).squeeze(0);
  Tensor k = heads.slice(0, 1, 2).squeeze(0);
  Tensor v = heads.slice(0, 2, 3).squeeze(0);
  Tensor context = scaled_dot_product_attention(q, k, v, key_mask);  // [B, nh, S, hd]
  // Heads back side by side: [B, S, nh, hd] -> [B, S, H] (reshape copies).
  return context.permute({0, 2, 1, 3}).reshape({B, S, H});
}

// ---- transformer layer -------------------------------------------------------------------

BertLayer::BertLayer(const BertConfig& config, DType dtype, const BertDropout& dropout)
    : activation_(config.hidden_act), dropout_(dropout) {
  const int64_t H = config.hidden_size, I = config.intermediate_size;
  const double eps = config.layer_norm_eps;
  self_attention = register_module("attention.self", std::make_shared<BertSelfAttention>(config, dtype));
  attention_dense = register_module("attention.output.dense", std::make_shared<BertLinear>(H, H, dtype));
  attention_norm = register_module("attention.output.LayerNorm", std::make_shared<nn::LayerNorm>(H, eps, dtype));
  intermediate = register_module("intermediate.dense", std::make_shared<BertLinear>(H, I, dtype));
  output_dense = register_module("output.dense", std::make_shared<BertLinear>(I, H, dtype));
  output_norm = register_module("output.LayerNorm", std::make_shared<nn::LayerNorm>(H, eps, dtype));
}

Tensor BertLayer::forward(const Tensor& x, const Tensor& key_mask) const {
  const bool training = is_training();
  Tensor attended = attention_dense->forward(self_attention->forward(x, key_mask));
  Tensor h = attention_norm->forward(add(dropout_.apply(attended, training), x));
  Tensor inner = apply_activation(intermediate->forward(h), activation_);
  Tensor out = output_dense->forward(inner);
  return output_norm->forward(add(dropout_.apply(out, training), h));
}

// ---- pooler ---------------------------------------------------------------------------------

BertPooler::BertPooler(int64_t hidden_size, DType dtype) {
  dense = register_module("dense", std::make_shared<BertLinear>(hidden_size, hidden_size, dtype));
}

Tensor BertPooler::forward(const Tensor& hidden) const {
  Tensor cls = hidden.slice(1, 0, 1).squeeze(1);  // [B, H]
  return tanh(dense->forward(cls));
}

}  // namespace nlammr
