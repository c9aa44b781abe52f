// NLA-MMR: patients and medications embedded in one latent space, scored by
// a dot product (Tan et al., CIKM 2024).
//
// Patient tower, for a batch of B visits (d = text width, K = latent width):
//   full [B, d]  the PLM vector of the whole visit text (the reference's "dps")
//   parts [B, 3, d]  PLM vectors of its symptom, diagnosis, procedure texts
//   a = AttentionPool(query = full, items = parts)              [B, d]
//   h = Dropout(GELU(Linear([full ; a])))                        [B, d]
//   history = AttentionPool(query = h, items = PLM vectors of the
//             medication texts of up to T earlier visits) + proj [B, K]
//   patient = LatentMLP(h) + history                             [B, K]
//             (+ the sum of the visit's code vectors, with
//              use_code_embeddings: models/nlammr/model/visit_codes.h)
// Medication tower, for the M medication classes:
//   text [M, d]  PLM vectors of the class descriptions
//   mol  [M, g]  GIN graph vectors averaged over each class's molecules
//   medication = LatentMLP([text ; mol])                          [M, K]
// Scores: patient · medicationᵀ                                   [B, M]
#pragma once

#include <memory>

#include "engine/nn/layers.h"
#include "models/gin/gin_encoder.h"
#include "models/nlammr/model/attention_pool.h"
#include "models/nlammr/model/config.h"

namespace nlammr {

// One batch of visits, as PLM vectors.
struct VisitInputs {
  Tensor full;          // [B, d]
  Tensor parts;         // [B, 3, d]: symptoms, diagnoses, procedures
  Tensor history;       // [B, T, d]: medication texts of earlier visits
  Tensor history_mask;  // [B, T] uint8, 1 = a real earlier visit
  // Only with use_code_embeddings (visit_codes.h): the visits' code ids as
  // CSR, ids [N] int64 and offsets [B + 1] int64.
  Tensor code_ids;
  Tensor code_offsets;
};

class CodeTable;  // visit_codes.h

// The patient vector as the sum it is, [B, K] each: the visit's texts through
// the latent MLP, the history attention's term, and the code vectors'
// (undefined when the model has no history or no code table). Explanations
// split each score into these three shares.
struct PatientParts {
  Tensor text, history, codes;
  Tensor sum() const;
};

class NlammrModel : public nn::Module {
 public:
  // dtype: of every parameter (float32 for training; float64 lets the
  // parity test compare with a float64 reference at rounding level).
  NlammrModel(const NlammrConfig& config, Generator& init, std::shared_ptr<Generator> dropout_gen,
              DType dtype = DType::Float32);

  Tensor patient_latent(const VisitInputs& visits) const { return patient_parts(visits).sum(); }  // [B, K]
  PatientParts patient_parts(const VisitInputs& visits) const;
  // text [M, d]: class descriptions; molecules: every class's molecular
  // graphs (ignored when config.use_molecules is false).
  Tensor medication_latent(const Tensor& text, const GraphTensors& molecules) const;  // [M, K]
  static Tensor scores(const Tensor& patients, const Tensor& medications) {
    return matmul(patients, medications.transpose(0, 1));
  }

  // Fine-tuning: the language model becomes part of this model (parameters
  // "plm.*"), so checkpoints and the optimizer include it.
  void attach_plm(std::shared_ptr<nn::Module> plm) { register_module("plm", std::move(plm)); }

  const NlammrConfig& config() const { return config_; }
  const AttentionPool& history_attention() const { return *aggregator_; }
  // Attention of the visit's whole text over its symptom, diagnosis and
  // procedure texts.
  const AttentionPool& description_attention() const { return *dsp_aggregator_; }

 private:
  NlammrConfig config_;
  std::shared_ptr<AttentionPool> dsp_aggregator_;  // description attention
  std::shared_ptr<nn::Linear> proj_dsp_;
  std::shared_ptr<nn::Dropout> dropout_;
  std::shared_ptr<AttentionPool> aggregator_;      // history attention
  std::shared_ptr<LatentMLP> text2latent_;
  std::shared_ptr<LatentMLP> mol2latent_;
  std::shared_ptr<GinEncoder> global_encoder_;     // the molecular GIN
  std::shared_ptr<CodeTable> code_table_;          // use_code_embeddings only
  std::shared_ptr<nn::Dropout> code_dropout_;      // code_dropout > 0 only
};

}  // namespace nlammr
