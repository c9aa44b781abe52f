#include "models/bert/bert_layers.h"

#include <stdexcept>

#include "engine/ops.h"

namespace nlammr {

// ---- small parameter holders ---------------------------------------------------

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
  word_embeddings =
      register_module("word_embeddings", std::make_shared<nn::Embedding>(config.vocab_size, H, dtype));
  position_embeddings = register_module(
      "position_embeddings", std::make_shared<nn::Embedding>(config.max_position_embeddings, H, dtype));
  token_type_embeddings =
      register_module("token_type_embeddings", std::make_shared<nn::Embedding>(config.type_vocab_size, H, dtype));
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
  query = register_module("query", std::make_shared<nn::Linear>(H, H, true, dtype));
  key = register_module("key", std::make_shared<nn::Linear>(H, H, true, dtype));
  value = register_module("value", std::make_shared<nn::Linear>(H, H, true, dtype));
}

Tensor BertSelfAttention::split_heads(const Tensor& x) const {
  const int64_t B = x.size(0), S = x.size(1);
  return x.reshape({B, S, heads_, head_dim_}).permute({0, 2, 1, 3}).contiguous();
}

Tensor BertSelfAttention::forward(const Tensor& x, const Tensor& key_mask) const {
  const int64_t B = x.size(0), S = x.size(1), H = x.size(2);
  Tensor q = split_heads(query->forward(x));
  Tensor k = split_heads(key->forward(x));
  Tensor v = split_heads(value->forward(x));
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
  attention_dense = register_module("attention.output.dense", std::make_shared<nn::Linear>(H, H, true, dtype));
  attention_norm =
      register_module("attention.output.LayerNorm", std::make_shared<nn::LayerNorm>(H, eps, dtype));
  intermediate = register_module("intermediate.dense", std::make_shared<nn::Linear>(H, I, true, dtype));
  output_dense = register_module("output.dense", std::make_shared<nn::Linear>(I, H, true, dtype));
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
  dense = register_module("dense", std::make_shared<nn::Linear>(hidden_size, hidden_size, true, dtype));
}

Tensor BertPooler::forward(const Tensor& hidden) const {
  Tensor cls = hidden.slice(1, 0, 1).squeeze(1);  // [B, H]
  return tanh(dense->forward(cls));
}

}  // namespace nlammr
