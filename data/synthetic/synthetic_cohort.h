// A synthetic cohort: the project's built-in data set, so that training and
// evaluation run in minutes with no credentialed data.
//
// Patients carry latent conditions (chronic ones persist across visits, acute
// ones bring them to hospital). Conditions emit real ICD-9 diagnosis and
// procedure codes (sometimes vague, sometimes omitted), symptom texts, and
// medication classes (real ATC3 classes with SMILES of real drugs). Some
// signal lives only in the texts (severity, allergies, held drugs, vaguely
// coded events) and some only in the history (which drug of a class a
// patient takes, chronic conditions nobody coded this time), so a model that
// reads texts and history can beat code-frequency statistics by a margin.
// docs/data.md describes the generator in full.
#pragma once

#include <cstdint>
#include <vector>

#include "data/cohort/cohort.h"

namespace nlammr {

struct SyntheticOptions {
  size_t patients = 2000;
  uint64_t seed = 1;
};

struct SyntheticCohort {
  Cohort cohort;
  // For each patient and visit, the probability with which the generator
  // drew each medication class (indices of cohort.medications). Predicting
  // {m : p >= 0.5} is the "oracle" that knows the latent state; it bounds
  // what a model can reach from the observable data.
  std::vector<std::vector<std::vector<double>>> medication_probabilities;
};

// Deterministic for a given seed on every platform (the generator uses its
// own draws from a 64-bit Mersenne Twister, not the library distributions).
SyntheticCohort generate_synthetic_cohort(const SyntheticOptions& options);

}  // namespace nlammr
