#include "data/synthetic/synthetic_cohort.h"

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include "data/synthetic/synthetic_knowledge.h"

namespace nlammr {

namespace {

using namespace synthetic;

// Draws built on the raw 64-bit engine output only, so that a seed gives the
// same cohort with every standard library.
class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}
  double uniform() { return static_cast<double>(engine_() >> 11) * (1.0 / 9007199254740992.0); }
  bool chance(double p) { return uniform() < p; }
  size_t below(size_t n) { return std::min(n - 1, static_cast<size_t>(uniform() * static_cast<double>(n))); }
  size_t weighted(const std::vector<double>& weights) {
    double total = 0;
    for (double w : weights) total += w;
    double x = uniform() * total;
    for (size_t i = 0; i < weights.size(); ++i) {
      if (x < weights[i]) return i;
      x -= weights[i];
    }
    return weights.size() - 1;
  }

 private:
  std::mt19937_64 engine_;
};

// The knowledge tables, indexed.
struct Knowledge {
  std::unordered_map<std::string, const CodeInfo*> diagnoses, procedures;
  std::unordered_map<std::string, const MedicationClass*> classes;
  std::unordered_map<std::string, const ChoiceSlot*> slots;
  std::vector<const Condition*> chronic, acute;
  std::unordered_map<std::string, size_t> chronic_index;

  Knowledge() {
    for (const auto& c : diagnosis_codes()) diagnoses[c.code] = &c;
    for (const auto& c : procedure_codes()) procedures[c.code] = &c;
    for (const auto& c : medication_classes()) classes[c.atc3] = &c;
    for (const auto& s : choice_slots()) slots[s.slot] = &s;
    for (const auto& c : conditions()) {
      if (c.chronic) {
        chronic_index[c.name] = chronic.size();
        chronic.push_back(&c);
      } else {
        acute.push_back(&c);
      }
    }
  }
};

// Latent traits of one patient.
struct PatientState {
  double cardio = 0, lung = 0, alcohol = 0;
  bool penicillin_allergy = false;
  std::map<std::string, std::string> slot_choice;  // slot -> ATC3
  std::map<std::string, size_t> drug_of_class;      // ATC3 -> which drug the texts name
  std::vector<bool> chronic_active;
};

// How a latent risk scales a condition's rate (mean about 1).
double risk_factor(const PatientState& p, const std::string& risk) {
  if (risk == "cardio") return 0.3 + 1.4 * p.cardio;
  if (risk == "lung") return 0.3 + 1.4 * p.lung;
  if (risk == "alcohol") return 3.5 * p.alcohol;
  return 1.0;
}

bool is_raas(const std::string& atc3) { return atc3 == "C09A" || atc3 == "C09C"; }

// One visit being assembled: codes, texts, and each class's probability.
struct VisitDraft {
  std::vector<std::string> diagnoses, procedures, symptoms;
  std::vector<std::string> medication_order;  // classes in the order a source named them
  std::map<std::string, double> probability;
  std::set<std::string> held;

  void add_code(std::vector<std::string>& list, const std::string& code) {
    if (std::find(list.begin(), list.end(), code) == list.end()) list.push_back(code);
  }
  void add_symptom(const std::string& text) {
    if (std::find(symptoms.begin(), symptoms.end(), text) == symptoms.end()) symptoms.push_back(text);
  }
  // Independent sources: P(given) = 1 - prod(1 - p_source).
  void add_medication(const std::string& atc3, double p) {
    auto [it, inserted] = probability.emplace(atc3, 0.0);
    if (inserted) medication_order.push_back(atc3);
    it->second = 1.0 - (1.0 - it->second) * (1.0 - p);
  }
};

class Generator {
 public:
  explicit Generator(const SyntheticOptions& options) : options_(options), random_(options.seed) {
    if (options.patients == 0) throw std::invalid_argument("synthetic cohort: --patients must be at least 1");
  }

  SyntheticCohort run() {
    std::vector<std::vector<std::map<std::string, double>>> probabilities;
    for (size_t i = 0; i < options_.patients; ++i) {
      Patient patient;
      patient.id = std::to_string(i + 1);
      PatientState state = new_patient();
      const size_t visits = 2 + random_.weighted({0.45, 0.27, 0.17, 0.11});
      probabilities.emplace_back();
      for (size_t v = 0; v < visits; ++v) {
        VisitDraft draft = draft_visit(state);
        patient.visits.push_back(realize(draft));
        probabilities.back().push_back(draft.probability);
      }
      out_.cohort.patients.push_back(std::move(patient));
    }
    finish(probabilities);
    return std::move(out_);
  }

 private:
  PatientState new_patient() {
    PatientState p;
    p.cardio = random_.uniform();
    p.lung = random_.uniform();
    p.alcohol = random_.uniform() * random_.uniform();
    p.penicillin_allergy = random_.chance(0.12);
    for (const auto& slot : choice_slots()) {
      const std::string name = slot.slot;
      if (slot.weights.empty()) {
        p.slot_choice[name] = slot.atc3[p.penicillin_allergy ? 1 : 0];
      } else {
        p.slot_choice[name] = slot.atc3[random_.weighted(slot.weights)];
      }
    }
    // One renin-angiotensin drug per patient: heart failure reuses the
    // antihypertensive when that is one.
    if (is_raas(p.slot_choice["antihypertensive"])) p.slot_choice["raas"] = p.slot_choice["antihypertensive"];
    p.chronic_active.assign(knowledge_.chronic.size(), false);
    for (size_t c = 0; c < knowledge_.chronic.size(); ++c) {
      const Condition& condition = *knowledge_.chronic[c];
      p.chronic_active[c] = random_.chance(std::min(0.95, condition.rate * risk_factor(p, condition.risk)));
    }
    return p;
  }

  std::string resolve_class(PatientState& p, const std::string& atc3) {
    return atc3[0] == '@' ? p.slot_choice.at(atc3.substr(1)) : atc3;
  }

  // The drug a text names for a class; fixed per patient.
  std::string drug_name(PatientState& p, const std::string& atc3) {
    const MedicationClass& cls = *knowledge_.classes.at(atc3);
    auto [it, inserted] = p.drug_of_class.emplace(atc3, 0);
    if (inserted) it->second = random_.below(cls.drugs.size());
    return cls.drugs[it->second].name;
  }

  void add_condition_codes(VisitDraft& d, const Condition& c, bool vague) {
    if (vague) {
      for (const char* code : c.vague_codes) d.add_code(d.diagnoses, code);
    } else {
      for (const auto& draw : c.diagnoses) {
        if (random_.chance(draw.p)) d.add_code(d.diagnoses, draw.code);
      }
    }
    for (const auto& draw : c.procedures) {
      if (random_.chance(draw.p)) d.add_code(d.procedures, draw.code);
    }
  }

  void add_symptoms(VisitDraft& d, const Condition& c, size_t count) {
    std::vector<const char*> pool = c.symptoms;
    for (size_t k = 0; k < count && !pool.empty(); ++k) {
      const size_t i = random_.below(pool.size());
      d.add_symptom(pool[i]);
      pool.erase(pool.begin() + static_cast<long>(i));
    }
  }

  std::vector<const Condition*> draw_acute_events(PatientState& p) {
    const size_t count = 1 + random_.weighted({0.65, 0.28, 0.07});
    std::vector<double> weights;
    for (const Condition* c : knowledge_.acute) {
      double w = c->rate * risk_factor(p, c->risk);
      const std::string boost = c->boosted_by;
      if (!boost.empty()) w *= p.chronic_active[knowledge_.chronic_index.at(boost)] ? 4.0 : 0.3;
      weights.push_back(w);
    }
    std::vector<const Condition*> events;
    for (size_t k = 0; k < count; ++k) {
      const size_t i = random_.weighted(weights);
      weights[i] = 0;  // distinct events
      events.push_back(knowledge_.acute[i]);
      // An event tied to a chronic condition often reveals it for the first time.
      const std::string boost = knowledge_.acute[i]->boosted_by;
      if (!boost.empty()) {
        const size_t c = knowledge_.chronic_index.at(boost);
        if (!p.chronic_active[c] && random_.chance(0.5)) p.chronic_active[c] = true;
      }
    }
    return events;
  }

  VisitDraft draft_visit(PatientState& p) {
    // New chronic conditions appear now and then.
    for (size_t c = 0; c < knowledge_.chronic.size(); ++c) {
      const Condition& condition = *knowledge_.chronic[c];
      if (!p.chronic_active[c] && random_.chance(0.08 * condition.rate * risk_factor(p, condition.risk))) {
        p.chronic_active[c] = true;
      }
    }
    VisitDraft d;
    const std::vector<const Condition*> events = draw_acute_events(p);
    for (const Condition* e : events) {
      const bool vague = random_.chance(e->vague_p);
      add_condition_codes(d, *e, vague);
      add_symptoms(d, *e, vague ? 2 + random_.below(2) : 1 + random_.below(3));
      for (const auto& m : e->medications) d.add_medication(resolve_class(p, m.atc3), m.p);
      if (!e->holds.empty()) {
        for (const char* held : e->holds) d.held.insert(held);
        if (random_.chance(0.85)) d.add_symptom(e->hold_phrase);
      }
    }
    for (size_t c = 0; c < knowledge_.chronic.size(); ++c) {
      if (!p.chronic_active[c]) continue;
      const Condition& condition = *knowledge_.chronic[c];
      add_condition_codes(d, condition, false);
      if (random_.chance(0.5)) d.add_symptom(condition.history_phrase);
      if (!condition.symptoms.empty() && random_.chance(0.2)) add_symptoms(d, condition, 1);
      for (const auto& m : condition.medications) {
        const std::string atc3 = resolve_class(p, m.atc3);
        d.add_medication(atc3, m.p);
        // Home medications are named now and then ("takes lisinopril at home").
        if (m.atc3[0] == '@' && random_.chance(0.25)) d.add_symptom("takes " + drug_name(p, atc3) + " at home");
      }
    }
    if (p.penicillin_allergy && random_.chance(0.7)) {
      static const char* phrases[] = {"allergic to penicillin", "penicillin allergy (hives)",
                                      "reports anaphylaxis to penicillin"};
      d.add_symptom(phrases[random_.below(3)]);
    }
    for (const auto& m : background_medications()) d.add_medication(m.atc3, m.p);
    for (const auto& c : incidental_diagnoses()) {
      if (random_.chance(c.p)) d.add_code(d.diagnoses, c.code);
    }
    for (const auto& held : d.held) {
      auto it = d.probability.find(held);
      if (it != d.probability.end()) it->second *= 0.1;
    }
    // Every admission carries at least one diagnosis: the first event's main code.
    if (d.diagnoses.empty()) d.add_code(d.diagnoses, events.front()->diagnoses.front().code);
    if (random_.chance(0.05)) d.symptoms.clear();  // some visits come without texts
    return d;
  }

  Visit realize(const VisitDraft& d) {
    Cohort& c = out_.cohort;
    Visit visit;
    for (const auto& code : d.diagnoses) visit.diagnoses.push_back(c.diagnoses.add(code));
    for (const auto& code : d.procedures) visit.procedures.push_back(c.procedures.add(code));
    visit.symptoms = d.symptoms;
    for (const auto& atc3 : d.medication_order) {
      if (random_.chance(d.probability.at(atc3))) visit.medications.push_back(c.medications.add(atc3));
    }
    if (visit.medications.empty()) {
      // Every visit needs a target: the likeliest class.
      std::string best = d.medication_order.front();
      for (const auto& atc3 : d.medication_order) {
        if (d.probability.at(atc3) > d.probability.at(best)) best = atc3;
      }
      visit.medications.push_back(c.medications.add(best));
    }
    return visit;
  }

  void finish(const std::vector<std::vector<std::map<std::string, double>>>& probabilities) {
    Cohort& c = out_.cohort;
    c.resize_tables();
    for (size_t i = 0; i < c.diagnoses.size(); ++i) {
      const CodeInfo* info = knowledge_.diagnoses.at(c.diagnoses.code(static_cast<int>(i)));
      c.diagnosis_titles[i] = {info->short_title, info->long_title};
    }
    for (size_t i = 0; i < c.procedures.size(); ++i) {
      const CodeInfo* info = knowledge_.procedures.at(c.procedures.code(static_cast<int>(i)));
      c.procedure_titles[i] = {info->short_title, info->long_title};
    }
    for (size_t m = 0; m < c.medications.size(); ++m) {
      for (const auto& drug : knowledge_.classes.at(c.medications.code(static_cast<int>(m)))->drugs) {
        c.medication_names[m].push_back(drug.name);
        if (drug.smiles[0] != '\0') c.medication_smiles[m].push_back(drug.smiles);
      }
    }
    for (const auto& [a, b] : interacting_classes()) {
      const int ia = c.medications.find(a), ib = c.medications.find(b);
      if (ia >= 0 && ib >= 0) c.ddi.add(ia, ib);
    }
    for (const auto& patient : probabilities) {
      out_.medication_probabilities.emplace_back();
      for (const auto& visit : patient) {
        std::vector<double> row(c.medications.size(), 0.0);
        for (const auto& [atc3, p] : visit) {
          const int m = c.medications.find(atc3);
          if (m >= 0) row[static_cast<size_t>(m)] = p;
        }
        out_.medication_probabilities.back().push_back(std::move(row));
      }
    }
  }

  SyntheticOptions options_;
  Random random_;
  Knowledge knowledge_;
  SyntheticCohort out_;
};

}  // namespace

SyntheticCohort generate_synthetic_cohort(const SyntheticOptions& options) { return Generator(options).run(); }

}  // namespace nlammr
