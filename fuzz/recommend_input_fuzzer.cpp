// `nlammr recommend --input FILE` (models/nlammr/inference/recommender.cpp):
// a patient as JSON, one visit or {"visits": [...]}. Errors name the file;
// an accepted query has a current visit with something to recommend from.
#include <cstdint>
#include <stdexcept>
#include <string>

#include "fuzz/fuzz_support.h"
#include "io/input_file.h"
#include "models/nlammr/inference/recommender.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = nlammr::fuzz::write_scratch_file("patient.json", data, size);
  try {
    const nlammr::PatientQuery query = nlammr::parse_patient_query_text(nlammr::read_input_file(path), path);
    if (query.visits.empty()) __builtin_trap();
    const nlammr::QueryVisit& current = query.visits.back();
    if (current.diagnoses.empty() && current.procedures.empty() && current.symptoms.empty()) __builtin_trap();
  } catch (const std::runtime_error& e) {
    nlammr::fuzz::require_names_input(e, "patient.json");
  }
  return 0;
}
