// Recommending for one patient who is not in the cohort: codes and free text
// in, ranked medication classes with probabilities out, plus the pairs among
// the recommended set that are known to interact.
//
// A query is a list of visits in time order; the last one is the visit to
// recommend for, the earlier ones supply the history (their medications).
// Codes the cohort's dictionaries do not know are reported, never silently
// dropped (they cannot be turned into text, so they do not reach the model).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/cohort/cohort.h"
#include "models/gin/graph_tensors.h"
#include "models/nlammr/model/nlammr_model.h"
#include "models/nlammr/inputs/text_bank.h"

namespace nlammr {

struct QueryVisit {
  std::vector<std::string> diagnoses, procedures, symptoms, medications;
};

struct PatientQuery {
  std::vector<QueryVisit> visits;  // the last is the current visit
};

// {"visits": [{"diagnoses": [...], "procedures": [...], "symptoms": [...],
// "medications": [...]}, ...]}, or a single visit object without "visits";
// "text" is accepted as a symptom string. Errors name `source`.
PatientQuery parse_patient_query(const nlohmann::json& j, const std::string& source);
// The same from the text of a file (`recommend --input`): invalid JSON is an
// error naming `source`, like every other problem.
PatientQuery parse_patient_query_text(const std::string& text, const std::string& source);

struct RecommendedClass {
  std::string code, name;
  double probability = 0;
  bool recommended = false;
};

struct Recommendation {
  std::vector<RecommendedClass> ranked;  // every class, most probable first
  std::vector<std::pair<std::string, std::string>> interactions;  // among the recommended set
  std::vector<std::string> unknown_codes;  // "diagnosis 99999", ...
  std::vector<double> history_attention;   // weight of each earlier visit used
  std::string current_text;                // what the language model read for the visit

  nlohmann::json to_json() const;
};

// class_text: the PLM vectors of the class descriptions [M, d];
// molecules: the classes' graphs (as in training).
Recommendation recommend(const NlammrModel& model, const Cohort& cohort, const GraphTensors& molecules,
                         const Tensor& class_text, const EncodeTextsFn& encode, const PatientQuery& query,
                         double threshold = 0.5);

}  // namespace nlammr
