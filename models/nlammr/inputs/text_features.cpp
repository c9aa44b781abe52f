#include "models/nlammr/inputs/text_features.h"

#include "engine/ops.h"
#include "models/bert/bert_pooling.h"
#include "models/nlammr/inputs/visit_texts.h"

namespace nlammr {

FineTunedTextFeatures::FineTunedTextFeatures(const Cohort& cohort, std::shared_ptr<BertModel> plm,
                                             WordPieceTokenizer tokenizer, EmbedOptions options)
    : plm_(std::move(plm)), tokenizer_(std::move(tokenizer)), options_(options) {
  for (const Patient& p : cohort.patients)
    for (const Visit& v : p.visits) {
      VisitTexts t = make_visit_texts(cohort, v);
      for (std::string* s : {&t.symptoms, &t.diagnoses, &t.procedures, &t.medications, &t.full})
        visit_texts_.push_back(std::move(*s));
    }
  class_texts_ = medication_class_texts(cohort);
}

Tensor FineTunedTextFeatures::encode(const std::vector<std::string>& texts) const {
  // One padded batch (the texts of one training step); the graph is recorded
  // when gradients are on, so the loss reaches the language model.
  const int64_t max_length = options_.max_length > 0 ? options_.max_length : tokenizer_.max_length();
  const BatchTensors t = batch_tensors(tokenizer_.encode_batch(texts, max_length));
  const Device device = plm_->parameters().front().device();
  const Tensor ids = t.input_ids.to(device), mask = t.attention_mask.to(device), types = t.token_type_ids.to(device);
  Tensor vectors = pool(plm_->forward(ids, mask, types), mask, options_.pooling);
  return options_.normalize ? l2_normalize(vectors) : vectors;
}

VisitInputs FineTunedTextFeatures::visits(const std::vector<int64_t>& ids, const HistorySlots& history) {
  const int64_t b = static_cast<int64_t>(ids.size()), t = history.slots;
  std::vector<std::string> texts;
  for (int64_t id : ids)
    for (int part : {0, 1, 2, 4}) texts.push_back(visit_texts_[static_cast<size_t>(id) * 5 + part]);
  // One text per slot: the earlier visit's medication text, "" where padded.
  for (size_t slot = 0; slot < history.rows.size(); ++slot)
    texts.push_back(history.mask[slot] ? visit_texts_[static_cast<size_t>(history.rows[slot]) * 5 + 3] : std::string());
  Tensor vectors = encode(texts);  // [b * 4 + b * t, d]
  const int64_t d = vectors.size(1);
  Tensor own = vectors.slice(0, 0, b * 4).reshape({b, 4, d});
  VisitInputs in;
  in.parts = own.slice(1, 0, 3);
  in.full = own.slice(1, 3, 4).reshape({b, d});
  in.history = vectors.slice(0, b * 4, b * 4 + b * t).reshape({b, t, d});
  in.history_mask = history.mask_tensor(vectors.device());
  return in;
}

Tensor FineTunedTextFeatures::classes() { return encode(class_texts_); }

}  // namespace nlammr
