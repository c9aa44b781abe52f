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

// Why the model recommends what it does (recommend with explain = true).
//
// The model reads a visit as its whole text (the query) attending over three
// texts: its symptoms, diagnoses and procedures. `parts` are those three
// weights, as the model computed them. `items` rank the visit's single codes
// and symptom strings: each one's own text is scored by the same attention
// (same query, same key projection) as if it were an item of its own, and the
// weights are normalised over all of them. With visit_text "codes" these are
// the very vectors the model averages into each part; with "concat" it reads
// each part as one joined text, never a code alone. Either way the ranking
// shows what in the visit that attention favours; it is not a weight the
// model used.
//
// The visit's vectors are built as the run's text bank built them
// (visit_text "concat" or "codes", models/nlammr/inputs/text_bank.h).
//
// A class's score is the dot product of the patient vector with the class
// vector, and the patient vector is a sum (PatientParts), so the score splits
// exactly into the share of the visit's texts, of the history (earlier visits'
// medications) and of the code vectors.
struct AttendedItem {
  std::string kind;  // "symptoms", "diagnoses", "procedures" (parts); "symptom", "diagnosis", "procedure" (items)
  std::string code;  // "" for texts
  std::string text;
  double weight = 0;
};

struct ClassExplanation {
  std::string code, name;
  double probability = 0;
  double score = 0;  // the logit: text + history + codes
  double text_share = 0, history_share = 0, codes_share = 0;
  std::vector<std::string> interacts_with;  // other recommended classes known to interact with it
};

struct Explanation {
  std::vector<AttendedItem> parts;  // in the model's order: symptoms, diagnoses, procedures
  std::vector<AttendedItem> items;  // most attended first
  std::vector<ClassExplanation> classes;  // the recommended classes, most probable first
  // |history| / (|text| + |history| + |codes|) of the patient vector's norms.
  double history_weight = 0;
  nlohmann::json to_json() const;
};

struct Recommendation {
  std::vector<RecommendedClass> ranked;  // every class, most probable first
  std::vector<std::pair<std::string, std::string>> interactions;  // among the recommended set
  std::vector<std::string> unknown_codes;  // "diagnosis 99999", ...
  std::vector<double> history_attention;   // weight of each earlier visit used
  std::string current_text;                // what the language model read for the visit
  bool explained = false;
  Explanation explanation;                 // with explain only

  nlohmann::json to_json() const;
};

// A cohort patient as a query: every visit's codes, symptoms and given
// medications (the last visit's medications are the truth, not an input).
PatientQuery query_of_patient(const Cohort& cohort, const Patient& patient);

// class_text: the PLM vectors of the class descriptions [M, d];
// molecules: the classes' graphs (as in training).
Recommendation recommend(const NlammrModel& model, const Cohort& cohort, const GraphTensors& molecules,
                         const Tensor& class_text, const EncodeTextsFn& encode, const PatientQuery& query,
                         double threshold = 0.5, bool explain = false);

}  // namespace nlammr
