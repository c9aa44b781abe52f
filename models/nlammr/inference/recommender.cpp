#include "models/nlammr/inference/recommender.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "engine/autograd.h"
#include "engine/ops.h"
#include "data/cohort/atc3_names.h"
#include "data/cohort/code_lookup.h"
#include "models/nlammr/model/visit_codes.h"
#include "models/nlammr/inputs/text_bank.h"
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

PatientQuery query_of_patient(const Cohort& cohort, const Patient& patient) {
  PatientQuery query;
  for (const Visit& v : patient.visits) {
    QueryVisit q;
    for (int i : v.diagnoses) q.diagnoses.push_back(cohort.diagnoses.code(i));
    for (int i : v.procedures) q.procedures.push_back(cohort.procedures.code(i));
    for (int i : v.medications) q.medications.push_back(cohort.medications.code(i));
    q.symptoms = v.symptoms;
    query.visits.push_back(q);
  }
  return query;
}

nlohmann::json Explanation::to_json() const {
  auto items_json = [](const std::vector<AttendedItem>& list) {
    nlohmann::json out = nlohmann::json::array();
    for (const AttendedItem& i : list) {
      nlohmann::json j = {{"kind", i.kind}, {"text", i.text}, {"weight", i.weight}};
      if (!i.code.empty()) j["code"] = i.code;
      out.push_back(j);
    }
    return out;
  };
  nlohmann::json classes_json = nlohmann::json::array();
  for (const ClassExplanation& c : classes)
    classes_json.push_back({{"code", c.code},
                            {"name", c.name},
                            {"probability", c.probability},
                            {"score", c.score},
                            {"score_from_texts", c.text_share},
                            {"score_from_history", c.history_share},
                            {"score_from_codes", c.codes_share},
                            {"ddi_warnings", c.interacts_with}});
  return {{"text_attention", items_json(parts)},
          {"ranked_inputs", items_json(items)},
          {"history_weight", history_weight},
          {"classes", classes_json}};
}

PatientQuery parse_patient_query_text(const std::string& text, const std::string& source) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(source + ": not valid JSON: " + e.what());
  }
  return parse_patient_query(j, source);
}

nlohmann::json Recommendation::to_json() const {
  nlohmann::json classes = nlohmann::json::array(), recommended = nlohmann::json::array();
  for (const RecommendedClass& c : ranked) {
    classes.push_back({{"code", c.code}, {"name", c.name}, {"probability", c.probability}});
    if (c.recommended) recommended.push_back(c.code);
  }
  nlohmann::json pairs = nlohmann::json::array();
  for (const auto& [a, b] : interactions) pairs.push_back({a, b});
  nlohmann::json out = {{"recommended", recommended},     {"ranked", classes},
                        {"interactions", pairs},           {"unknown_codes", unknown_codes},
                        {"history_attention", history_attention}, {"visit_text", current_text}};
  if (explained) out["explanation"] = explanation.to_json();
  return out;
}

namespace {

std::vector<double> to_doubles(const Tensor& t) { return t.to(Device::cpu()).to(DType::Float64).to_vector<double>(); }

double norm_of(const Tensor& t) {
  if (!t.defined()) return 0;
  double sq = 0;
  for (double v : to_doubles(t)) sq += v * v;
  return std::sqrt(sq);
}

// The visit's single codes and symptom strings, ranked by the description
// attention under the visit's own query (see Explanation in the header).
std::vector<AttendedItem> rank_visit_items(const NlammrModel& model, const Cohort& cohort, const Visit& visit,
                                           const EncodeTextsFn& encode, const Tensor& query) {
  std::vector<AttendedItem> items;
  for (const std::string& s : visit.symptoms) items.push_back({"symptom", "", s, 0});
  for (int i : visit.diagnoses) items.push_back({"diagnosis", cohort.diagnoses.code(i), diagnosis_text(cohort, i), 0});
  for (int i : visit.procedures) items.push_back({"procedure", cohort.procedures.code(i), procedure_text(cohort, i), 0});
  if (items.empty()) return items;
  std::vector<std::string> texts;
  for (const AttendedItem& i : items) texts.push_back(i.text);
  Tensor vectors = encode(texts).to(query.device());
  const int64_t n = vectors.size(0), d = vectors.size(1);
  std::vector<double> w = to_doubles(model.description_attention().weights(query, vectors.reshape({1, n, d})));
  for (size_t i = 0; i < items.size(); ++i) items[i].weight = w[i];
  std::stable_sort(items.begin(), items.end(), [](const AttendedItem& a, const AttendedItem& b) { return a.weight > b.weight; });
  return items;
}

}  // namespace

Recommendation recommend(const NlammrModel& model_in, const Cohort& cohort, const GraphTensors& molecules,
                         const Tensor& class_text, const EncodeTextsFn& encode, const PatientQuery& query,
                         double threshold, bool explain) {
  auto& model = const_cast<NlammrModel&>(model_in);  // mode switch only; parameters untouched
  nn::EvalModeGuard eval_mode(model);
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

  // History: the medications of up to max_visit_num earlier visits, in the
  // slots training lays them out in.
  const int64_t earlier = static_cast<int64_t>(query.visits.size()) - 1;
  const HistorySlots slots = HistorySlots::of_one(earlier, model.config().max_visit_num);
  VisitCodeLists codes{current.diagnoses, current.procedures, {}};
  std::vector<Visit> past_visits;
  for (int64_t i : HistorySlots::kept_earlier(earlier, model.config().max_visit_num)) {
    Visit past;
    past.medications = known_indices(cohort.medications, query.visits[static_cast<size_t>(i)].medications,
                                     "medication", rec.unknown_codes);
    codes.earlier_medications.insert(codes.earlier_medications.end(), past.medications.begin(),
                                     past.medications.end());
    past_visits.push_back(std::move(past));
  }
  const int64_t d = class_text.size(1), history = static_cast<int64_t>(past_visits.size());
  VisitInputs in;
  Tensor history_rows = Tensor::zeros({0, d});  // [history, d]: row j is slot j's earlier visit
  if (model.config().visit_text == "codes") {
    // As the run's text bank was built (build_text_bank, "codes"): every
    // symptom phrase and code title encoded alone and averaged per part; an
    // earlier visit's medications as the mean of their class vectors.
    std::vector<std::string> items = current.symptoms;
    for (int i : current.diagnoses) items.push_back(diagnosis_text(cohort, i));
    for (int i : current.procedures) items.push_back(procedure_text(cohort, i));
    const Tensor item_vectors = items.empty() ? Tensor::zeros({0, d}) : encode(items).to(Device::cpu());
    auto range = [](size_t from, size_t count) {
      std::vector<int> r(count);
      for (size_t i = 0; i < count; ++i) r[i] = static_cast<int>(from + i);
      return r;
    };
    const size_t ns = current.symptoms.size(), nd = current.diagnoses.size(), np = current.procedures.size();
    CodesModeVisit one = codes_mode_visit(item_vectors, range(0, ns), item_vectors, range(ns, nd), item_vectors,
                                          range(ns + nd, np));
    in.full = one.full.reshape({1, d});
    in.parts = one.parts;
    const Tensor classes = class_text.to(Device::cpu());
    std::vector<Tensor> rows;
    for (const Visit& past : past_visits) rows.push_back(mean_rows(classes, past.medications).reshape({1, d}));
    if (history > 0) history_rows = concat(rows, 0);
  } else {
    // "concat", the reference's way: each text of the visit encoded whole,
    // in one call with the earlier visits' medication texts.
    std::vector<std::string> to_encode = {texts.symptoms, texts.diagnoses, texts.procedures, texts.full};
    for (const Visit& past : past_visits) to_encode.push_back(make_visit_texts(cohort, past).medications);
    Tensor vectors = encode(to_encode);  // [4 + history, d]
    in.full = vectors.slice(0, 3, 4);
    in.parts = vectors.slice(0, 0, 3).reshape({1, 3, d});
    if (history > 0) history_rows = vectors.slice(0, 4, 4 + history);
  }
  in.history = slots.gather(history_rows);
  in.history_mask = slots.mask_tensor(Device::cpu());
  const Device device = class_text.device();
  in.full = in.full.to(device), in.parts = in.parts.to(device);
  in.history = in.history.to(device), in.history_mask = in.history_mask.to(device);
  if (model.config().use_code_embeddings) attach_visit_codes(in, {codes}, model.config());

  const PatientParts parts = model.patient_parts(in);
  const Tensor medications = model.medication_latent(class_text, molecules);
  Tensor probs = sigmoid(NlammrModel::scores(parts.sum(), medications));
  std::vector<double> p = probs.to(Device::cpu()).to(DType::Float64).to_vector<double>();
  if (model.config().use_history && history > 0) {
    std::vector<float> w = model.history_attention().last_weights().to(Device::cpu()).to_vector<float>();
    rec.history_attention.assign(w.begin(), w.begin() + history);
  }
  // Each class's score split into the shares of the patient vector's terms.
  std::vector<double> from_text, from_history, from_codes;
  if (explain) {
    rec.explained = true;
    Explanation& ex = rec.explanation;
    const std::vector<double> part_w = to_doubles(model.description_attention().last_weights());
    const char* kinds[] = {"symptoms", "diagnoses", "procedures"};
    const std::string* part_texts[] = {&texts.symptoms, &texts.diagnoses, &texts.procedures};
    for (int i = 0; i < 3; ++i) ex.parts.push_back({kinds[i], "", *part_texts[i], part_w[i]});
    ex.items = rank_visit_items(model, cohort, current, encode, in.full);
    const double t = norm_of(parts.text), h = norm_of(parts.history), c = norm_of(parts.codes);
    ex.history_weight = t + h + c > 0 ? h / (t + h + c) : 0;
    auto share = [&](const Tensor& part) {
      return part.defined() ? to_doubles(NlammrModel::scores(part, medications)) : std::vector<double>(p.size(), 0.0);
    };
    from_text = share(parts.text), from_history = share(parts.history), from_codes = share(parts.codes);
  }

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
  if (explain) {
    for (const RecommendedClass& c : rec.ranked) {
      if (!c.recommended) continue;
      const size_t m = static_cast<size_t>(cohort.medications.find(c.code));
      ClassExplanation e{c.code, c.name, c.probability, from_text[m] + from_history[m] + from_codes[m],
                         from_text[m], from_history[m], from_codes[m], {}};
      for (const auto& [a, b] : rec.interactions) {
        if (a == c.code) e.interacts_with.push_back(b);
        if (b == c.code) e.interacts_with.push_back(a);
      }
      rec.explanation.classes.push_back(std::move(e));
    }
  }
  return rec;
}

}  // namespace nlammr
