// Everything training and evaluation read, prepared once: the cohort and its
// split, the PLM vectors of every visit and medication class, the molecular
// graphs of every class, and the DDI adjacency, on the training device.
#pragma once

#include <string>
#include <vector>

#include "data/cohort/cohort.h"
#include "models/gin/graph_tensors.h"
#include "models/nlammr/inputs/text_features.h"

namespace nlammr {

struct NlammrData {
  Cohort cohort;
  CohortSplit split;
  VisitIndex index;
  std::shared_ptr<TextFeatures> text;  // set by one of the use_*_texts calls
  GraphTensors molecules;
  Tensor ddi;  // [M, M] in the texts' dtype, 1 where two classes interact
  Device device = Device::cpu();
  std::vector<std::string> invalid_smiles;  // left out of their class, reported

  // Split, visit index, molecules and DDI matrix; no texts yet.
  NlammrData(Cohort c, Device device);
  // Every text encoded once now (the language model stays frozen).
  NlammrData(Cohort c, const EncodeTextsFn& encode, const std::string& visit_text, Device device);
  // With the PLM vectors already computed (loaded from a file, or fixed
  // vectors for a test or a benchmark): bank.full [V, d], bank.parts
  // [V, 3, d], bank.medications [V, d] for the cohort's V visits in global
  // order, bank.classes [M, d] for its M medication classes, all of one
  // floating dtype, which the DDI matrix takes too (a float64 bank feeds a
  // float64 model). Throws when a shape does not fit the cohort.
  NlammrData(Cohort c, TextBank bank, Device device);

  void use_frozen_texts(const EncodeTextsFn& encode, const std::string& visit_text);
  // Frozen texts from vectors computed elsewhere (checked as above).
  void use_text_bank(TextBank bank);
  void use_fine_tuned_texts(std::shared_ptr<BertModel> plm, WordPieceTokenizer tokenizer, EmbedOptions options);

  int64_t num_medications() const { return static_cast<int64_t>(cohort.medications.size()); }
  // Medication indices of a visit, by global visit id.
  const std::vector<int>& targets(int64_t visit_id) const;
};

// Every class's molecules as one batch (invalid SMILES skipped and listed).
GraphTensors medication_graphs(const Cohort& cohort, Device device, std::vector<std::string>* invalid);

Tensor ddi_adjacency(const Cohort& cohort, Device device);

}  // namespace nlammr
