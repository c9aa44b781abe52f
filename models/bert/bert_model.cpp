#include "models/bert/bert_model.h"

#include <stdexcept>
#include <string>

#include "engine/autograd.h"
#include "engine/backend.h"
#include "engine/ops.h"

namespace nlammr {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Overwrites a parameter's values in place, so views that share its storage
// (the Q/K/V buffers) and optimizers holding it see the new values.
void assign(const Tensor& param, const Tensor& value) {
  NoGradGuard no_grad;
  backend_for(param.device()).copy(value.to(param.dtype()).to(param.device()), param);
}

}  // namespace

BertModel::BertModel(const BertConfig& config, const BertModelOptions& options)
    : config_(config), dtype_(options.dtype) {
  if (options.dtype != DType::Float32 && options.dtype != DType::Float64)
    throw std::runtime_error(std::string("BertModel: dtype must be float32 or float64, got ") +
                             dtype_name(options.dtype));
  BertDropout dropout(config.hidden_dropout_prob, options.dropout_generator);
  embeddings = register_module("embeddings", std::make_shared<BertEmbeddings>(config, dtype_, dropout));
  for (int64_t i = 0; i < config.num_hidden_layers; ++i)
    layers.push_back(register_module("encoder.layer." + std::to_string(i),
                                     std::make_shared<BertLayer>(config, dtype_, dropout)));
  if (options.with_pooler)
    pooler = register_module("pooler", std::make_shared<BertPooler>(config.hidden_size, dtype_));
}

void BertModel::init_weights(Generator& gen) {
  for (const auto& [name, param] : named_parameters()) {
    if (ends_with(name, "LayerNorm.weight")) {
      assign(param, Tensor::ones(param.shape(), dtype_));
    } else if (ends_with(name, ".bias")) {
      assign(param, Tensor::zeros(param.shape(), dtype_));
    } else {
      assign(param, randn(param.shape(), gen, dtype_, Device::cpu(), 0.0, config_.initializer_range));
    }
  }
  // transformers keeps the padding token's embedding at zero.
  const Tensor& words = embeddings->word_embeddings->weight;
  assign(words.slice(0, config_.pad_token_id, config_.pad_token_id + 1),
         Tensor::zeros({1, hidden_size()}, dtype_));
}

void BertModel::check_inputs(const Tensor& ids, const Tensor& mask, const Tensor& types) const {
  if (!ids.defined() || ids.dim() != 2)
    throw std::runtime_error("BertModel: input_ids must be [batch, seq_len], got " +
                             (ids.defined() ? shape_str(ids.shape()) : std::string("undefined")));
  if (ids.dtype() != DType::Int32 && ids.dtype() != DType::Int64)
    throw std::runtime_error(std::string("BertModel: input_ids must be int32 or int64, got ") +
                             dtype_name(ids.dtype()));
  const int64_t S = ids.size(1);
  if (S == 0) throw std::runtime_error("BertModel: input_ids has no tokens (seq_len 0)");
  if (S > config_.max_position_embeddings)
    throw std::runtime_error("BertModel: sequence of " + std::to_string(S) +
                             " tokens is longer than max_position_embeddings (" +
                             std::to_string(config_.max_position_embeddings) + "); truncate the input");
  for (const auto& [t, what] : {std::pair{mask, "attention_mask"}, std::pair{types, "token_type_ids"}})
    if (t.defined() && t.shape() != ids.shape())
      throw std::runtime_error(std::string("BertModel: ") + what + " has shape " + shape_str(t.shape()) +
                               ", input_ids " + shape_str(ids.shape()));
}

BertOutput BertModel::forward(const Tensor& input_ids, const Tensor& attention_mask,
                              const Tensor& token_type_ids) const {
  check_inputs(input_ids, attention_mask, token_type_ids);
  Tensor hidden = embeddings->forward(input_ids, token_type_ids);
  for (const auto& layer : layers) hidden = layer->forward(hidden, attention_mask);
  BertOutput out;
  out.last_hidden_state = hidden;
  if (pooler) out.pooler_output = pooler->forward(hidden);
  return out;
}

BertOutput BertModel::forward(const Batch& batch) const {
  BatchTensors t = batch_tensors(batch);
  return forward(t.input_ids, t.attention_mask, t.token_type_ids);
}

BatchTensors batch_tensors(const Batch& batch) {
  const Shape shape = {batch.batch, batch.seq_len};
  return {Tensor::from_vector<int32_t>(batch.input_ids, shape),
          Tensor::from_vector<int32_t>(batch.attention_mask, shape),
          Tensor::from_vector<int32_t>(batch.token_type_ids, shape)};
}

}  // namespace nlammr
