// A small cohort and a stand-in text encoder for the NLA-MMR tests, so they
// run in seconds without a language model.
#pragma once

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "data/cohort/cohort.h"
#include "models/nlammr/inputs/text_bank.h"
#include "models/nlammr/model/config.h"

namespace nlammr::testing {

// 24 patients with 2-3 visits; diagnosis d implies medication d % 5, so
// there is something to learn. Real SMILES for the 5 classes.
inline Cohort tiny_training_cohort() {
  Cohort c;
  const char* dx[] = {"4019", "25000", "4280", "5849", "486", "2724"};
  const char* dx_titles[] = {"Hypertension", "Diabetes mellitus", "Heart failure", "Acute kidney failure",
                             "Pneumonia", "Hyperlipidemia"};
  for (int i = 0; i < 6; ++i) {
    c.diagnoses.add(dx[i]);
    c.diagnosis_titles.push_back({dx_titles[i], dx_titles[i]});
  }
  for (const char* p : {"3893", "9604"}) {
    c.procedures.add(p);
    c.procedure_titles.push_back({std::string("Procedure ") + p, std::string("Procedure ") + p});
  }
  const char* meds[] = {"C09A", "A10B", "C03C", "B05C", "J01D"};
  const char* smiles[] = {"CCCCC1=NC2(CCCC2)C(=O)N1", "CN(C)C(=N)N=C(N)N", "NS(=O)(=O)c1cc(C(=O)O)c(NCc2ccco2)cc1Cl",
                          "O=C(O)CC(O)(CC(=O)O)C(=O)O", "CC1(C)SC2C(NC(=O)Cc3ccccc3)C(=O)N2C1C(=O)O"};
  for (int m = 0; m < 5; ++m) {
    c.medications.add(meds[m]);
    c.medication_smiles.push_back({smiles[m]});
    c.medication_names.push_back({});
  }
  c.resize_tables();
  c.ddi.add(0, 2);
  for (int p = 0; p < 24; ++p) {
    Patient patient;
    patient.id = std::to_string(p);
    const int visits = 2 + p % 2;
    for (int v = 0; v < visits; ++v) {
      Visit visit;
      const int a = (p + v) % 6, b = (p * 3 + v * 5 + 1) % 6;
      visit.diagnoses = {a};
      if (b != a) visit.diagnoses.push_back(b);
      visit.procedures = {p % 2};
      for (int d : visit.diagnoses)
        if (std::find(visit.medications.begin(), visit.medications.end(), d % 5) == visit.medications.end())
          visit.medications.push_back(d % 5);
      patient.visits.push_back(visit);
    }
    c.patients.push_back(patient);
  }
  return c;
}

// Texts -> deterministic pseudo-embeddings: each word adds a fixed random
// direction (so texts sharing words have similar vectors).
inline EncodeTextsFn hashing_encoder(int64_t dim = 16) {
  return [dim](const std::vector<std::string>& texts) {
    std::vector<float> out(texts.size() * static_cast<size_t>(dim), 0.0f);
    for (size_t i = 0; i < texts.size(); ++i) {
      std::string word;
      auto add_word = [&] {
        if (word.empty()) return;
        Generator g(std::hash<std::string>{}(word));
        for (int64_t k = 0; k < dim; ++k) out[i * dim + k] += static_cast<float>(g.normal());
        word.clear();
      };
      for (char ch : texts[i] + " ") {
        if (std::isalnum(static_cast<unsigned char>(ch))) word += static_cast<char>(std::tolower(ch));
        else add_word();
      }
    }
    return Tensor::from_vector(out, {static_cast<int64_t>(texts.size()), dim});
  };
}

// A model small enough to train on the tiny cohort in a second.
inline NlammrConfig small_test_model() {
  NlammrConfig m;
  m.latent_dim = 16;
  m.gnn_dim = 8;
  m.gnn_layers = 2;
  return m;
}

// Two epochs of batches of 4, at a rate that moves the tiny model.
inline TrainConfig short_test_training() {
  TrainConfig t;
  t.epochs = 2;
  t.batch_size = 4;
  t.lr = 5e-3;
  t.lr_scale = 1.0;
  return t;
}

}  // namespace nlammr::testing
