// Where the patient and medication towers get their language-model vectors.
//
//   FrozenTextFeatures     the reference's way: every text encoded once before
//                          training (a TextBank); the language model is fixed.
//   FineTunedTextFeatures  the texts of each batch run through the language
//                          model inside the training graph, so the loss's
//                          gradient reaches every BERT parameter. Much slower
//                          (a BERT forward and backward over the batch's texts
//                          and every class description at every step).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/bert/text_encoder.h"
#include "models/nlammr/inputs/text_bank.h"

namespace nlammr {

class TextFeatures {
 public:
  virtual ~TextFeatures() = default;
  // The texts' part of the model's inputs for a batch of visits (ids as in
  // VisitIndex), each visit's history laid out in `history`'s slots.
  virtual VisitInputs visits(const std::vector<int64_t>& ids, const HistorySlots& history) = 0;
  // The medication class description vectors [M, d].
  virtual Tensor classes() = 0;
  virtual int64_t dim() const = 0;
  // The vectors' dtype, which the model takes (float64 banks train float64 models).
  virtual DType dtype() const { return DType::Float32; }
};

class FrozenTextFeatures : public TextFeatures {
 public:
  explicit FrozenTextFeatures(TextBank bank) : bank_(std::move(bank)) {}
  VisitInputs visits(const std::vector<int64_t>& ids, const HistorySlots& history) override {
    return gather_visits(bank_, ids, history);
  }
  Tensor classes() override { return bank_.classes; }
  int64_t dim() const override { return bank_.dim(); }
  DType dtype() const override { return bank_.classes.dtype(); }
  const TextBank& bank() const { return bank_; }

 private:
  TextBank bank_;
};

class FineTunedTextFeatures : public TextFeatures {
 public:
  // Only the "concat" visit texts are supported (one string per part).
  FineTunedTextFeatures(const Cohort& cohort, std::shared_ptr<BertModel> plm, WordPieceTokenizer tokenizer,
                        EmbedOptions options);
  VisitInputs visits(const std::vector<int64_t>& ids, const HistorySlots& history) override;
  Tensor classes() override;
  int64_t dim() const override { return plm_->hidden_size(); }
  // Texts -> [n, d] through the (possibly fine-tuned) model, with the graph
  // recorded when gradients are on.
  Tensor encode(const std::vector<std::string>& texts) const;
  const std::shared_ptr<BertModel>& plm() const { return plm_; }

 private:
  std::shared_ptr<BertModel> plm_;
  WordPieceTokenizer tokenizer_;
  EmbedOptions options_;
  std::vector<std::string> visit_texts_;  // 5 per visit: symptoms, diagnoses, procedures, medications, full
  std::vector<std::string> class_texts_;
};

}  // namespace nlammr
