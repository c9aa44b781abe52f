// What the language model reads: the texts of a visit and of a medication
// class, built from the cohort's dictionaries.
//
//   diagnoses    long titles of the visit's diagnosis codes, joined by "; "
//   procedures   likewise for procedure codes
//   symptoms     the visit's symptom strings (empty in cohorts without them)
//   medications  names of the medication classes given at the visit (used as
//                history by the visits after it)
//   full         "diagnoses. procedures. symptoms" (the reference's "dps")
//
// A medication class reads as its WHO ATC level-3 name, followed by the
// generic names of its drugs when the cohort has them:
//   "Other analgesics and antipyretics: paracetamol, metamizole"
#pragma once

#include <string>
#include <vector>

#include "data/cohort/cohort.h"

namespace nlammr {

struct VisitTexts {
  std::string symptoms, diagnoses, procedures, medications, full;
};

VisitTexts make_visit_texts(const Cohort& cohort, const Visit& visit);

// Title of a code for the language model: long title, else short, else the code.
std::string diagnosis_text(const Cohort& cohort, int index);
std::string procedure_text(const Cohort& cohort, int index);

// One description per medication class, in vocabulary order.
std::string medication_class_text(const Cohort& cohort, int index);
std::vector<std::string> medication_class_texts(const Cohort& cohort);

}  // namespace nlammr
