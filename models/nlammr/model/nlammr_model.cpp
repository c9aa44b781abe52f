#include "models/nlammr/model/nlammr_model.h"

#include <stdexcept>

#include "models/nlammr/model/visit_codes.h"

namespace nlammr {

// Child names follow the reference's module names, so its state dicts map
// onto ours (proj_dsp was an nn.Sequential: its Linear is "proj_dsp.0").
NlammrModel::NlammrModel(const NlammrConfig& config, Generator& init, std::shared_ptr<Generator> dropout_gen,
                         DType dtype)
    : config_(config) {
  config_.validate();
  const int64_t d = config.text_dim, k = config.latent_dim;
  dsp_aggregator_ = register_module("dsp_aggregator", std::make_shared<AttentionPool>(d, d, k, false, init, dtype));
  proj_dsp_ = register_module("proj_dsp.0", std::make_shared<nn::Linear>(2 * d, d, init, true, dtype));
  dropout_ = register_module("dropout", std::make_shared<nn::Dropout>(config.dropout, dropout_gen));
  if (config.use_history)
    aggregator_ = register_module("aggregator", std::make_shared<AttentionPool>(d, d, k, true, init, dtype));
  text2latent_ = register_module("text2latent",
                                 std::make_shared<LatentMLP>(d, std::vector<int64_t>{k, k}, config.dropout, init,
                                                             dropout_gen, dtype));
  if (config.use_molecules) {
    GinConfig gin;
    gin.num_layers = config.gnn_layers;
    gin.emb_dim = config.gnn_dim;
    gin.dropout = config.gnn_dropout;
    global_encoder_ = register_module("global_encoder", std::make_shared<GinEncoder>(gin, init, dropout_gen, dtype));
  }
  const int64_t med_in = d + (config.use_molecules ? config.gnn_dim : 0);
  mol2latent_ = register_module("mol2latent",
                                std::make_shared<LatentMLP>(med_in, std::vector<int64_t>{k, k}, config.dropout, init,
                                                            dropout_gen, dtype));
  if (config.use_code_embeddings)
    code_table_ = register_module("code_table", std::make_shared<CodeTable>(code_table_rows(config), k, dtype));
  if (config.use_code_embeddings && config.code_dropout > 0)
    code_dropout_ = register_module("code_dropout", std::make_shared<nn::Dropout>(config.code_dropout, dropout_gen));
}

Tensor PatientParts::sum() const {
  // Added in the order the reference adds them, so the bits do not change.
  Tensor patient = text;
  if (history.defined()) patient = patient + history;
  if (codes.defined()) patient = patient + codes;
  return patient;
}

PatientParts NlammrModel::patient_parts(const VisitInputs& v) const {
  // An empty part's vector is all zeros: its absolute sum is the mask.
  Tensor parts_mask = config_.mask_empty_parts ? sum(abs(v.parts.detach()), {2}) : Tensor();  // [B, 3]
  Tensor attended = dsp_aggregator_->forward(v.full, v.parts, parts_mask);          // [B, d]
  Tensor h = dropout_->forward(gelu(proj_dsp_->forward(concat({v.full, attended}, 1))));  // [B, d]
  PatientParts parts;
  parts.text = text2latent_->forward(h);                                            // [B, K]
  if (aggregator_) parts.history = aggregator_->forward(h, v.history, v.history_mask);
  if (code_table_) {
    if (!v.code_ids.defined() || !v.code_offsets.defined() || v.code_offsets.numel() != v.full.size(0) + 1)
      throw std::runtime_error("NlammrModel: use_code_embeddings needs the visits' code ids (attach_visit_codes)");
    Tensor keep;  // [N, 1]: 0 or 1 / (1 - p) per code (training with code_dropout only)
    if (code_dropout_ && is_training())
      keep = code_dropout_->forward(Tensor::ones({v.code_ids.numel(), 1}, code_table_->weight.dtype(),
                                                 code_table_->weight.device()));
    parts.codes = code_table_->forward(v.code_ids, v.code_offsets, keep);
  }
  return parts;
}

Tensor NlammrModel::medication_latent(const Tensor& text, const GraphTensors& molecules) const {
  if (!global_encoder_) return mol2latent_->forward(text);
  if (molecules.num_classes != text.size(0))
    throw std::runtime_error("NlammrModel: " + std::to_string(molecules.num_classes) + " molecule classes for " +
                             std::to_string(text.size(0)) + " medication texts");
  return mol2latent_->forward(concat({text, global_encoder_->class_embeddings(molecules)}, 1));
}

}  // namespace nlammr
