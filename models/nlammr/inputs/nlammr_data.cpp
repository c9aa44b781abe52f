#include "models/nlammr/inputs/nlammr_data.h"

#include <stdexcept>

#include "models/gin/graph_batch.h"
#include "chem/molecule_graph.h"

namespace nlammr {

GraphTensors medication_graphs(const Cohort& cohort, Device device, std::vector<std::string>* invalid) {
  std::vector<std::vector<MolGraph>> per_class(cohort.medications.size());
  for (size_t m = 0; m < cohort.medications.size(); ++m) {
    if (m >= cohort.medication_smiles.size()) continue;
    for (const std::string& smiles : cohort.medication_smiles[m]) {
      try {
        per_class[m].push_back(smiles_to_graph(smiles));
      } catch (const std::runtime_error& e) {
        // The reference skips molecules RDKit rejects; so do we, visibly.
        if (invalid) invalid->push_back(cohort.medications.code(static_cast<int>(m)) + ": " + e.what());
      }
    }
  }
  return make_graph_tensors(make_class_graph_batch(per_class), device);
}

Tensor ddi_adjacency(const Cohort& cohort, Device device) {
  const int64_t m = static_cast<int64_t>(cohort.medications.size());
  std::vector<float> cells(static_cast<size_t>(m * m), 0.0f);
  if (cohort.ddi.size() == static_cast<size_t>(m))
    for (auto [a, b] : cohort.ddi.pairs()) cells[a * m + b] = cells[b * m + a] = 1.0f;
  return Tensor::from_vector(cells, {m, m}).to(device);
}

NlammrData::NlammrData(Cohort c, Device dev)
    : cohort(std::move(c)), split(reference_split(cohort.patients.size())), index(cohort), device(dev) {
  molecules = medication_graphs(cohort, device, &invalid_smiles);
  ddi = ddi_adjacency(cohort, device);
}

NlammrData::NlammrData(Cohort c, const EncodeTextsFn& encode, const std::string& visit_text, Device dev)
    : NlammrData(std::move(c), dev) {
  use_frozen_texts(encode, visit_text);
}

NlammrData::NlammrData(Cohort c, TextBank host, Device dev) : NlammrData(std::move(c), dev) {
  use_text_bank(std::move(host));
}

void NlammrData::use_frozen_texts(const EncodeTextsFn& encode, const std::string& visit_text) {
  use_text_bank(build_text_bank(cohort, encode, visit_text));
}

void NlammrData::use_text_bank(TextBank host) {
  if (!host.classes.defined() || host.classes.dim() != 2)
    throw std::runtime_error("NlammrData: the text bank's classes must be [M, d]");
  const int64_t v = index.size(), m = num_medications(), d = host.classes.size(1);
  const DType dtype = host.classes.dtype();
  if (!dtype_is_floating(dtype))
    throw std::runtime_error(std::string("NlammrData: the text bank holds ") + dtype_name(dtype) + " vectors");
  auto check = [&](const Tensor& t, const Shape& shape, const char* what) {
    if (!t.defined() || t.shape() != shape || t.dtype() != dtype)
      throw std::runtime_error(std::string("NlammrData: the text bank's ") + what + " is " +
                               (t.defined() ? t.str() : std::string("missing")) + ", expected " +
                               shape_str(shape) + " " + dtype_name(dtype) + " for " + std::to_string(v) +
                               " visits and " + std::to_string(m) + " medication classes");
  };
  check(host.classes, {m, d}, "classes");
  check(host.full, {v, d}, "full");
  check(host.parts, {v, 3, d}, "parts");
  check(host.medications, {v, d}, "medications");
  TextBank bank;
  bank.full = host.full.to(device);
  bank.parts = host.parts.to(device);
  bank.medications = host.medications.to(device);
  bank.classes = host.classes.to(device);
  text = std::make_shared<FrozenTextFeatures>(std::move(bank));
  ddi = ddi.to(dtype);  // the loss multiplies it with the model's scores
}

void NlammrData::use_fine_tuned_texts(std::shared_ptr<BertModel> plm, WordPieceTokenizer tokenizer,
                                      EmbedOptions options) {
  text = std::make_shared<FineTunedTextFeatures>(cohort, std::move(plm), std::move(tokenizer), options);
}

const std::vector<int>& NlammrData::targets(int64_t id) const {
  return cohort.patients[index.patient_of(id)].visits[index.visit_of(id)].medications;
}

}  // namespace nlammr
