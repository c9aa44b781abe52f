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

// y = x·Wᵀ + b with W [out, in] (torch.nn.Linear's layout, which checkpoints use).
class BertLinear : public nn::Module {
 public:
  BertLinear(int64_t in_features, int64_t out_features, DType dtype);
  // Registers tensors the caller owns, which may be views into a larger
  // buffer (see BertSelfAttention).
  BertLinear(Tensor weight, Tensor bias);
  Tensor forward(const Tensor& x) const { return linear(x, weight, bias); }

  Tensor weight;  // [out, in]
  Tensor bias;    // [out]
};

// A lookup table [num, dim] (torch.nn.Embedding's "weight").
class BertTable : public nn::Module {
 public:
  BertTable(int64_t num, int64_t dim, DType dtype);
  Tensor weight;
};

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

  std::shared_ptr<BertTable> word_embeddings, position_embeddings, token_type_embeddings;
  std::shared_ptr<nn::LayerNorm> norm;  // "LayerNorm"

 private:
  BertDropout dropout_;
};

// Multi-head self-attention through the engine's fused attention op.
//
// query, key and value are three BertLinear modules, as in the checkpoint,
// but their weights are views into one [3H, H] buffer (and the biases into
// one [3H] buffer). Loading or an optimizer step writes through the views
// into the buffer, so at inference one GEMM against the buffer computes Q, K
// and V together without concatenating anything. When gradients are needed
// the projection goes through the three parameters (concatenated, so the
// GEMM is still one), which lets autograd reach each of them.
class BertSelfAttention : public nn::Module {
 public:
  BertSelfAttention(const BertConfig& config, DType dtype);
  // x [B, S, H], key_mask [B, S] (nonzero = real token) -> [B, S, H]
  Tensor forward(const Tensor& x, const Tensor& key_mask) const;

  std::shared_ptr<BertLinear> query, key, value;

 private:
  // Q, K and V side by side: [B, S, 3H].
  Tensor project_qkv(const Tensor& x) const;
  // Whether the three weights still live in the shared buffers (Module::to
  // gives each parameter storage of its own).
  bool uses_shared_buffers() const;

  int64_t heads_, head_dim_;
  Tensor qkv_weight_, qkv_bias_;  // the shared buffers (not parameters themselves)
};

// One post-norm transformer layer:
//   h   = LayerNorm(x + dense(attention(x)))
//   out = LayerNorm(h + dense(act(dense(h))))
class BertLayer : public nn::Module {
 public:
  BertLayer(const BertConfig& config, DType dtype, const BertDropout& dropout);
  Tensor forward(const Tensor& x, const Tensor& key_mask) const;

  std::shared_ptr<BertSelfAttention> self_attention;  // "attention.self"
  std::shared_ptr<BertLinear> attention_dense;        // "attention.output.dense"
  std::shared_ptr<nn::LayerNorm> attention_norm;      // "attention.output.LayerNorm"
  std::shared_ptr<BertLinear> intermediate;           // "intermediate.dense"
  std::shared_ptr<BertLinear> output_dense;           // "output.dense"
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

  std::shared_ptr<BertLinear> dense;
};

// The feed-forward activation named by config.json.
Tensor apply_activation(const Tensor& x, HiddenActivation act);

}  // namespace nlammr
