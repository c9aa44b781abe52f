// Every hyperparameter of NLA-MMR in one struct. The defaults are those of
// the official implementation (its README's MIMIC-III command), except the
// text width, which follows whichever language model encodes the texts.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace nlammr {

struct NlammrConfig {
  // Widths.
  int64_t text_dim = 384;    // the language model's hidden size (768 for BERT-base models)
  int64_t latent_dim = 256;  // K_emb_dim: the shared patient/medication space
  int64_t gnn_dim = 64;
  int64_t gnn_layers = 5;

  // Regularisation.
  double dropout = 0.2;      // patient and medication towers
  double gnn_dropout = 0.7;  // the GIN's dropout (the reference's gnn_dp)

  // History: medications of up to this many previous visits.
  int64_t max_visit_num = 2;

  // Loss: bce_weight * BCE + (1 - bce_weight) * multi-label margin
  //       + contrastive_weight * InfoNCE(scores / temperature)
  //       + ddi_weight * expected DDI pairs (SafeDrug-style, off by default).
  double bce_weight = 0.95;
  double contrastive_weight = 0.0;
  double contrastive_temperature = 1.0;
  double ddi_weight = 0.0;

  // Ablations: drop the molecular graphs or the visit history.
  bool use_molecules = true;
  bool use_history = true;

  // This project's addition (off = the reference): a learned vector per
  // diagnosis code, procedure code and earlier medication class, summed into
  // the patient vector (models/nlammr/model/visit_codes.h). The three sizes are the
  // cohort's vocabularies, set by the trainer.
  bool use_code_embeddings = false;
  int64_t num_diagnosis_codes = 0;
  int64_t num_procedure_codes = 0;
  int64_t num_medication_classes = 0;
  // Regularisation of that table: during training each code of a visit is
  // left out with this probability (the kept ones scaled by 1 / (1 - p), as
  // dropout does), so that no single code's vector carries the prediction.
  double code_dropout = 0.0;

  // Not in the reference: leave an empty visit part (a cohort without symptom
  // texts has an all-zero symptom vector) out of the attention over the
  // parts, instead of letting its zero key take a share of the softmax.
  bool mask_empty_parts = false;

  // How a visit becomes text (see models/nlammr/inputs/visit_texts.h).
  std::string visit_text = "concat";  // "concat" (reference) or "codes"

  nlohmann::json to_json() const;
  // Unknown keys are an error (a typo must not silently fall back to a default).
  static NlammrConfig from_json(const nlohmann::json& j);
  void validate() const;
};

// Optimisation settings (also the official defaults).
struct TrainConfig {
  int64_t epochs = 30;
  int64_t batch_size = 8;
  double lr = 5e-4;
  double lr_scale = 0.1;  // the reference multiplies every group's lr by this
  double weight_decay = 1e-5;
  double clip_grad_norm = 0.0;  // 0 = off
  uint64_t seed = 42;
  int64_t threads = 0;  // 0 = OpenMP's default
  bool finetune_plm = false;
  double plm_lr = 2e-5;
  int64_t patience = 0;  // early stopping on validation Jaccard; 0 = off
  // Learning-rate schedule (not in the reference): every group's rate in
  // epoch e (1-based) is its base rate times lr_decay^(e - 1); 1 = constant.
  // A function of the epoch alone, so a resumed run follows the same rates.
  double lr_decay = 1.0;

  nlohmann::json to_json() const;
  static TrainConfig from_json(const nlohmann::json& j);
  void validate() const;
};

}  // namespace nlammr
