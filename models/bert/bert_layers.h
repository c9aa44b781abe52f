// The building blocks of a BERT encoder, each a Module whose parameter names
// are those of Hugging Face's BertModel ("attention.self.query.weight", ...),
// so a checkpoint's tensors load key by key.
//
// Shapes: B texts, S tokens per text, H = hidden_size, nh heads of hd = H / nh.
//
//   BertEmbeddings     ids [B, S]  ->  word + position + token type, LayerNorm  -> [B, S, H]
//   BertSelfAttention  [B, S, H]   ->  Q, K, V heads [B, nh, S, hd] -> attention -> [B, S, H]
//   BertLayer          [B, S, H]   ->  attention block, feed-forward block (both post-norm) -> [B, S, H]
//   BertPooler         [B, S, H]   ->  tanh(dense([CLS] row)) -> [B, H]
//
// Every parameter starts at zero; BertModel::init_weights draws fresh random
// values and load_bert_model copies a checkpoint's.
#pragma once

#include <memory>
#include <vector>

#include "engine/nn/layers.h"
#include "engine/nn/module.h"
#include "engine/random.h"
#include "models/bert/bert_config.h"

namespace nlammr {

// Optional hidden-state dropout, active only in training mode and only when a
// generator was given (inference never needs one).
class BertDropout {
 public:
  BertDropout(double p, std::shared_ptr<Generator> gen) : p_(p), gen_(std::move(gen)) {}
  Tensor apply(const Tensor& x, bool training) const;

 private:
  double p_;
  std::shared_ptr<Generator> gen_;
};

class BertEmbeddings : public nn::Module {
 public:
  BertEmbeddings(const BertConfig& config, DType dtype, BertDropout dropout);
  // ids and token_type_ids [B, S] int32/int64; token_type_ids may be
  // undefined (every token in segment 0). Returns [B, S, H].
  Tensor forward(const Tensor& input_ids, const Tensor& token_type_ids) const;

  std::shared_ptr<nn::Embedding> word_embeddings, position_embeddings, token_type_embeddings;
  std::shared_ptr<nn::LayerNorm> norm;  // "LayerNorm"

 private:
  BertDropout dropout_;
};

// Multi-head self-attention through the engine's fused attention op.
//
// Q, K and V come from three linears, each followed by one copy into the
// head-major layout [B, nh, S, hd] the attention kernel reads. One linear
// with the three weights stacked ([3H, H]) would save two GEMM calls, but it
// was measured slower for large batches (MiniLM, 32 x 128 tokens, one thread:
// 88 ms against 67 ms per layer for projection + layout copy): its output and
// the copy of it do not fit in the cache together, the three smaller ones do.
class BertSelfAttention : public nn::Module {
 public:
  BertSelfAttention(const BertConfig& config, DType dtype);
  // x [B, S, H], key_mask [B, S] (nonzero = real token) -> [B, S, H]
  Tensor forward(const Tensor& x, const Tensor& key_mask) const;

  std::shared_ptr<nn::Linear> query, key, value;

 private:
  // [B, S, H] -> [B, nh, S, hd], packed.
  Tensor split_heads(const Tensor& x) const;

  int64_t heads_, head_dim_;
};

// One post-norm transformer layer:
//   h   = LayerNorm(x + dense(attention(x)))
//   out = LayerNorm(h + dense(act(dense(h))))
class BertLayer : public nn::Module {
 public:
  BertLayer(const BertConfig& config, DType dtype, const BertDropout& dropout);
  Tensor forward(const Tensor& x, const Tensor& key_mask) const;

  std::shared_ptr<BertSelfAttention> self_attention;  // "attention.self"
  std::shared_ptr<nn::Linear> attention_dense;        // "attention.output.dense"
  std::shared_ptr<nn::LayerNorm> attention_norm;      // "attention.output.LayerNorm"
  std::shared_ptr<nn::Linear> intermediate;           // "intermediate.dense"
  std::shared_ptr<nn::Linear> output_dense;           // "output.dense"
  std::shared_ptr<nn::LayerNorm> output_norm;         // "output.LayerNorm"

 private:
  HiddenActivation activation_;
  BertDropout dropout_;
};

// tanh(dense(hidden[:, 0])): the [CLS] row through a dense layer, as trained
// for BERT's next-sentence objective.
class BertPooler : public nn::Module {
 public:
  BertPooler(int64_t hidden_size, DType dtype);
  Tensor forward(const Tensor& hidden) const;

  std::shared_ptr<nn::Linear> dense;
};

// The feed-forward activation named by config.json.
Tensor apply_activation(const Tensor& x, HiddenActivation act);

}  // namespace nlammr
