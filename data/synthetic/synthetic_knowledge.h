// The clinical knowledge the synthetic cohort is drawn from: codes with their
// ICD-9-CM titles, medication classes with representative drugs and SMILES,
// conditions with their codes, symptoms and treatments, patient-level drug
// choices, and the interacting class pairs. Plain tables; the generator
// (synthetic_cohort.cpp) gives them life.
#pragma once

#include <string>
#include <vector>

namespace nlammr::synthetic {

struct CodeInfo {
  const char* code;
  const char* short_title;
  const char* long_title;
};

struct DrugInfo {
  const char* name;    // generic name, as texts mention it
  const char* smiles;  // "" for drugs without a small-molecule structure
};

struct MedicationClass {
  const char* atc3;
  std::vector<DrugInfo> drugs;
};

// A code emitted with a probability when its condition is active.
struct CodeDraw {
  const char* code;
  double p;
};

// A medication class given with a probability when its condition is active.
// A class written "@slot" is the patient's own choice for that slot (see
// ChoiceSlot), fixed for life: this is what only history reveals.
struct MedDraw {
  const char* atc3;
  double p;
};

// A condition. Chronic ones are drawn per patient and persist; acute ones
// are drawn per visit as reasons for admission.
struct Condition {
  const char* name;
  bool chronic;
  double rate;               // chronic: prevalence; acute: weight as an admission reason
  const char* risk;          // latent risk that scales the rate ("cardio", "lung", "alcohol", "")
  const char* boosted_by;    // chronic condition that makes this acute one likelier ("" for none)
  std::vector<CodeDraw> diagnoses;
  std::vector<CodeDraw> procedures;
  // With probability vague_p the diagnoses are replaced by the vague codes
  // (only the symptoms then tell what happened).
  double vague_p;
  std::vector<const char*> vague_codes;
  std::vector<const char*> symptoms;  // phrases, some drawn each visit
  const char* history_phrase;         // chronic: "history of ...", mentioned now and then
  std::vector<MedDraw> medications;
  // Classes held during this acute event, and the phrase that says so.
  std::vector<const char*> holds;
  const char* hold_phrase;
};

// A patient-level choice among classes for one therapeutic role.
struct ChoiceSlot {
  const char* slot;
  std::vector<const char*> atc3;  // options
  std::vector<double> weights;
};

const std::vector<CodeInfo>& diagnosis_codes();
const std::vector<CodeInfo>& procedure_codes();
const std::vector<MedicationClass>& medication_classes();
const std::vector<Condition>& conditions();
const std::vector<ChoiceSlot>& choice_slots();
// Medications most ICU patients receive whatever the cause (noise).
const std::vector<MedDraw>& background_medications();
// Codes that turn up without bearing on treatment (noise).
const std::vector<CodeDraw>& incidental_diagnoses();
// Interacting ATC3 pairs.
const std::vector<std::pair<const char*, const char*>>& interacting_classes();

}  // namespace nlammr::synthetic
