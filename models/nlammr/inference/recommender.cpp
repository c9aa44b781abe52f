#include "models/nlammr/inference/recommender.h"

#include <algorithm>
#include <stdexcept>

#include "engine/autograd.h"
#include "engine/ops.h"
#include "data/cohort/atc3_names.h"
#include "data/cohort/code_lookup.h"
#include "models/nlammr/model/visit_codes.h"
#include "models/nlammr/inputs/visit_texts.h"

namespace nlammr {

namespace {

std::vector<std::string> string_list(const nlohmann::json& j, const char* key, const std::string& where) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end()) return out;
  if (!it->is_array()) throw std::runtime_error(where + ": '" + key + "' must be a list of strings");
  for (const auto& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
    else if (v.is_number_integer()) out.push_back(std::to_string(v.get<int64_t>()));
    else throw std::runtime_error(where + ": '" + key + "' must hold strings, found " + v.dump());
  }
  return out;
}

QueryVisit parse_visit(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) throw std::runtime_error(where + ": a visit must be a JSON object");
  static const char* known[] = {"diagnoses", "procedures", "symptoms", "medications", "text"};
  for (auto it = j.begin(); it != j.end(); ++it)
    if (std::find(std::begin(known), std::end(known), it.key()) == std::end(known))
      throw std::runtime_error(where + ": unknown field '" + it.key() + "'");
  QueryVisit v;
  v.diagnoses = string_list(j, "diagnoses", where);
  v.procedures = string_list(j, "procedures", where);
  v.symptoms = string_list(j, "symptoms", where);
  v.medications = string_list(j, "medications", where);
  if (j.contains("text")) {
    if (!j["text"].is_string()) throw std::runtime_error(where + ": 'text' must be a string");
    v.symptoms.push_back(j["text"].get<std::string>());
  }
  return v;
}

// Maps codes to cohort indices (bare codes find their ICD9:/ICD10: keys, see
// code_lookup.h), reporting the unknown and ambiguous ones.
std::vector<int> known_indices(const Vocabulary& vocab, const std::vector<std::string>& codes, const char* kind,
                               std::vector<std::string>& unknown) {
  std::vector<int> out;
  for (const std::string& code : codes) {
    const CodeLookup found = lookup_code(vocab, code);
    const int i = found.index;
    if (i < 0) {
      const bool plain = found.problem == "not in the cohort";
      unknown.push_back(std::string(kind) + " " + code + (plain ? "" : " (" + found.problem + ")"));
    } else if (std::find(out.begin(), out.end(), i) == out.end()) out.push_back(i);
  }
  return out;
}

}  // namespace

PatientQuery parse_patient_query(const nlohmann::json& j, const std::string& source) {
  PatientQuery q;
  if (j.is_object() && j.contains("visits")) {
    if (!j["visits"].is_array() || j["visits"].empty())
      throw std::runtime_error(source + ": 'visits' must be a non-empty list");
    for (size_t i = 0; i < j["visits"].size(); ++i)
      q.visits.push_back(parse_visit(j["visits"][i], source + ": visit " + std::to_string(i + 1)));
  } else {
    q.visits.push_back(parse_visit(j, source));
  }
  const QueryVisit& current = q.visits.back();
  if (current.diagnoses.empty() && current.procedures.empty() && current.symptoms.empty())
    throw std::runtime_error(source + ": the current visit has no diagnoses, procedures or symptom text");
  return q;
}

nlohmann::json Recommendation::to_json() const {
  nlohmann::json classes = nlohmann::json::array(), recommended = nlohmann::json::array();
  for (const RecommendedClass& c : ranked) {
    classes.push_back({{"code", c.code}, {"name", c.name}, {"probability", c.probability}});
    if (c.recommended) recommended.push_back(c.code);
  }
  nlohmann::json pairs = nlohmann::json::array();
  for (const auto& [a, b] : interactions) pairs.push_back({a, b});
  return {{"recommended", recommended}, {"ranked", classes},          {"interactions", pairs},
          {"unknown_codes", unknown_codes}, {"history_attention", history_attention}, {"visit_text", current_text}};
}

Recommendation recommend(const NlammrModel& model_in, const Cohort& cohort, const GraphTensors& molecules,
                         const Tensor& class_text, const EncodeTextsFn& encode, const PatientQuery& query,
                         double threshold) {
  auto& model = const_cast<NlammrModel&>(model_in);  // evaluation mode only
  const bool was_training = model.is_training();
  model.eval();
  NoGradGuard no_grad;
  Recommendation rec;

  // The current visit's texts, from its known codes and its free text.
  const QueryVisit& q = query.visits.back();
  Visit current;
  current.diagnoses = known_indices(cohort.diagnoses, q.diagnoses, "diagnosis", rec.unknown_codes);
  current.procedures = known_indices(cohort.procedures, q.procedures, "procedure", rec.unknown_codes);
  current.symptoms = q.symptoms;
  VisitTexts texts = make_visit_texts(cohort, current);
  rec.current_text = texts.full;

  // History: the medication texts of up to max_visit_num earlier visits.
  std::vector<std::string> to_encode = {texts.symptoms, texts.diagnoses, texts.procedures, texts.full};
  const int64_t t_max = std::max<int64_t>(model.config().max_visit_num, 1);
  const size_t earlier = query.visits.size() - 1;
  const size_t first = earlier > static_cast<size_t>(model.config().max_visit_num)
                           ? earlier - static_cast<size_t>(model.config().max_visit_num)
                           : 0;
  VisitCodeLists codes{current.diagnoses, current.procedures, {}};
  for (size_t i = first; i < earlier; ++i) {
    Visit past;
    past.medications = known_indices(cohort.medications, query.visits[i].medications, "medication", rec.unknown_codes);
    to_encode.push_back(make_visit_texts(cohort, past).medications);
    codes.earlier_medications.insert(codes.earlier_medications.end(), past.medications.begin(),
                                     past.medications.end());
  }
  Tensor vectors = encode(to_encode);  // [4 + history, d]
  const int64_t d = vectors.size(1), history = static_cast<int64_t>(earlier - first);
  VisitInputs in;
  in.full = vectors.slice(0, 3, 4);
  in.parts = vectors.slice(0, 0, 3).reshape({1, 3, d});
  std::vector<uint8_t> mask(static_cast<size_t>(t_max), 0);
  Tensor hist = Tensor::zeros({t_max, d});
  if (history > 0) {
    hist = concat({vectors.slice(0, 4, 4 + history), Tensor::zeros({t_max - history, d})}, 0);
    for (int64_t i = 0; i < history; ++i) mask[i] = 1;
  }
  in.history = hist.reshape({1, t_max, d});
  in.history_mask = Tensor::from_vector(mask, {1, t_max});
  const Device device = class_text.device();
  in.full = in.full.to(device), in.parts = in.parts.to(device);
  in.history = in.history.to(device), in.history_mask = in.history_mask.to(device);
  if (model.config().use_code_embeddings) attach_visit_codes(in, {codes}, model.config());

  Tensor probs = sigmoid(NlammrModel::scores(model.patient_latent(in), model.medication_latent(class_text, molecules)));
  std::vector<double> p = probs.to(Device::cpu()).to(DType::Float64).to_vector<double>();
  if (model.config().use_history && history > 0) {
    std::vector<float> w = model.history_attention().last_weights().to(Device::cpu()).to_vector<float>();
    rec.history_attention.assign(w.begin(), w.begin() + history);
  }
  model.train(was_training);

  std::vector<int> recommended;
  for (size_t m = 0; m < p.size(); ++m) {
    RecommendedClass c;
    c.code = cohort.medications.code(static_cast<int>(m));
    const std::string* name = atc3_name(c.code);
    c.name = name ? *name : "";
    c.probability = p[m];
    c.recommended = p[m] >= threshold;
    if (c.recommended) recommended.push_back(static_cast<int>(m));
    rec.ranked.push_back(c);
  }
  std::stable_sort(rec.ranked.begin(), rec.ranked.end(),
                   [](const RecommendedClass& a, const RecommendedClass& b) { return a.probability > b.probability; });
  if (cohort.ddi.size() == p.size())
    for (size_t i = 0; i < recommended.size(); ++i)
      for (size_t j = i + 1; j < recommended.size(); ++j)
        if (cohort.ddi.interacts(recommended[i], recommended[j]))
          rec.interactions.emplace_back(cohort.medications.code(recommended[i]), cohort.medications.code(recommended[j]));
  return rec;
}

}  // namespace nlammr
