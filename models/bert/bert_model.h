// BERT, the encoder of Devlin et al. (2019), as Hugging Face's BertModel
// computes it, written with the engine's ops (see docs/bert.md for the shapes
// at every step).
//
//   ids [B, S] -> BertEmbeddings -> [B, S, H] -> N x BertLayer -> last_hidden_state [B, S, H]
//                                                             \-> BertPooler -> pooler_output [B, H]
//
// Every parameter is trainable: a loss computed from the outputs
// backpropagates into all of them, so the encoder can be fine-tuned end to
// end; requires_grad_(false) freezes it. Computing in float64 (the dtype
// option) is meant for gradient checks; models are float32 otherwise.
//
// Training mode adds hidden-state dropout when a dropout generator is given.
// Dropout on the attention probabilities is not applied: the fused attention
// kernel never forms the probability matrix.
#pragma once

#include <memory>
#include <vector>

#include "engine/nn/module.h"
#include "engine/random.h"
#include "models/bert/bert_config.h"
#include "models/bert/bert_layers.h"
#include "models/bert/token_batch.h"

namespace nlammr {

struct BertModelOptions {
  DType dtype = DType::Float32;
  // Checkpoints saved without the pooler (many sentence encoders) load into a
  // model built without one.
  bool with_pooler = true;
  // Source of hidden-state dropout masks in training mode; none means no dropout.
  std::shared_ptr<Generator> dropout_generator;
};

struct BertOutput {
  Tensor last_hidden_state;  // [B, S, H]; rows at padded positions are computed but meaningless
  Tensor pooler_output;      // [B, H]; undefined when the model has no pooler
};

class BertModel : public nn::Module {
 public:
  // Parameters start at zero: call init_weights() or load a checkpoint
  // (load_bert_model in models/bert/bert_checkpoint.h).
  explicit BertModel(const BertConfig& config, const BertModelOptions& options = {});

  // transformers' initialisation: weights N(0, initializer_range), biases 0,
  // LayerNorm weight 1 and bias 0.
  void init_weights(Generator& gen);

  // input_ids [B, S] int32/int64; attention_mask [B, S] (nonzero = real
  // token) or undefined when nothing is padded; token_type_ids [B, S] or
  // undefined (all segment 0). Throws on a shape or length the model cannot
  // take (S above max_position_embeddings).
  BertOutput forward(const Tensor& input_ids, const Tensor& attention_mask = Tensor(),
                     const Tensor& token_type_ids = Tensor()) const;
  // The same for a tokenizer batch (padded rows and their mask).
  BertOutput forward(const Batch& batch) const;

  const BertConfig& config() const { return config_; }
  DType dtype() const { return dtype_; }
  bool has_pooler() const { return pooler != nullptr; }
  int64_t hidden_size() const { return config_.hidden_size; }

  std::shared_ptr<BertEmbeddings> embeddings;
  std::vector<std::shared_ptr<BertLayer>> layers;  // "encoder.layer.<i>"
  std::shared_ptr<BertPooler> pooler;              // "pooler"; null without one

 private:
  void check_inputs(const Tensor& input_ids, const Tensor& attention_mask,
                    const Tensor& token_type_ids) const;

  BertConfig config_;
  DType dtype_;
};

// A tokenizer batch as the tensors BertModel::forward takes: int32 [B, S].
struct BatchTensors {
  Tensor input_ids, attention_mask, token_type_ids;
};
BatchTensors batch_tensors(const Batch& batch);

}  // namespace nlammr
