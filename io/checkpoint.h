// Checkpoints: a model's parameters and buffers, the optimizer's state and a
// JSON document (configurations, epoch, random-generator state, anything the
// caller needs to resume) in ONE safetensors file, written atomically so an
// interrupted write never leaves a half checkpoint behind.
//
// Tensor names are prefixed: "model.<parameter name>", "optim.<state key>".
// The JSON goes into the header's __metadata__ under the key "nlammr".
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/nn/module.h"
#include "engine/optim/optimizer.h"

namespace nlammr {

struct Checkpoint {
  std::map<std::string, Tensor> model;      // by parameter/buffer name
  std::map<std::string, Tensor> optimizer;  // by optimizer state key (may be empty)
  nlohmann::json meta;
};

void save_checkpoint(const std::string& path, const nn::Module& model, const optim::Optimizer* optimizer,
                     const nlohmann::json& meta);

// Throws std::runtime_error naming the file when it is not a safetensors
// file, has no nlammr metadata, or holds tensors outside the two prefixes.
Checkpoint load_checkpoint(const std::string& path);

}  // namespace nlammr
