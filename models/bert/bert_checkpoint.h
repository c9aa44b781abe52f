// Loading a BERT checkpoint folder exactly as Hugging Face publishes it:
// config.json for the shape, model.safetensors for the weights.
//
// Tensor names are matched after two renamings that older checkpoints need:
//   - a leading "bert." is dropped (checkpoints saved from BertForMaskedLM,
//     BertForPreTraining, ... prefix the encoder's tensors with it);
//   - LayerNorm "gamma"/"beta" become "weight"/"bias" (TensorFlow-era names).
// Tensors the encoder does not use (the pre-training heads "cls.*", the
// position_ids buffer, a task head) are skipped and listed in the report.
// The pooler is optional: a checkpoint without "pooler.dense.*" gives a model
// without a pooler. float16 and bfloat16 weights are widened to float32 (and
// converted to float64 when the model is built in float64).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/bert/bert_model.h"

namespace nlammr {

struct BertCheckpoint {
  std::shared_ptr<BertModel> model;  // in evaluation mode
  std::string weights_path;          // the model.safetensors that was read
  std::vector<std::string> skipped;  // file tensor names that were not needed
};

// Reads <dir>/config.json and <dir>/model.safetensors. Any problem throws a
// std::runtime_error naming the file and the tensor: a missing tensor, a
// shape that contradicts config.json (expected and actual shapes), a
// non-floating dtype, two file tensors mapping to one parameter.
BertCheckpoint load_bert_checkpoint(const std::string& dir, const BertModelOptions& options = {});

// The model alone.
std::shared_ptr<BertModel> load_bert_model(const std::string& dir, const BertModelOptions& options = {});

// The parameter name a checkpoint tensor name stands for ("bert." dropped,
// gamma/beta renamed).
std::string canonical_bert_tensor_name(const std::string& name);

}  // namespace nlammr
