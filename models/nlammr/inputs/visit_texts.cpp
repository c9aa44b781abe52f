#include "models/nlammr/inputs/visit_texts.h"

#include "data/cohort/atc3_names.h"

namespace nlammr {

namespace {

std::string title_of(const CodeTitles* titles, const std::string& code) {
  if (titles && !titles->long_title.empty()) return titles->long_title;
  if (titles && !titles->short_title.empty()) return titles->short_title;
  return code;
}

template <typename F>
std::string join(const std::vector<int>& items, F text_of, const char* separator) {
  std::string out;
  for (int i : items) {
    if (!out.empty()) out += separator;
    out += text_of(i);
  }
  return out;
}

}  // namespace

std::string diagnosis_text(const Cohort& c, int i) {
  const CodeTitles* t = static_cast<size_t>(i) < c.diagnosis_titles.size() ? &c.diagnosis_titles[i] : nullptr;
  return title_of(t, c.diagnoses.code(i));
}

std::string procedure_text(const Cohort& c, int i) {
  const CodeTitles* t = static_cast<size_t>(i) < c.procedure_titles.size() ? &c.procedure_titles[i] : nullptr;
  return title_of(t, c.procedures.code(i));
}

std::string medication_class_text(const Cohort& c, int i) {
  const std::string& code = c.medications.code(i);
  const std::string* name = atc3_name(code);
  std::string text = name ? *name : code;
  if (static_cast<size_t>(i) < c.medication_names.size() && !c.medication_names[i].empty()) {
    text += ":";
    for (size_t k = 0; k < c.medication_names[i].size(); ++k)
      text += (k ? ", " : " ") + c.medication_names[i][k];
  }
  return text;
}

std::vector<std::string> medication_class_texts(const Cohort& c) {
  std::vector<std::string> out;
  for (size_t i = 0; i < c.medications.size(); ++i) out.push_back(medication_class_text(c, static_cast<int>(i)));
  return out;
}

VisitTexts make_visit_texts(const Cohort& c, const Visit& v) {
  VisitTexts t;
  t.diagnoses = join(v.diagnoses, [&](int i) { return diagnosis_text(c, i); }, "; ");
  t.procedures = join(v.procedures, [&](int i) { return procedure_text(c, i); }, "; ");
  for (const std::string& s : v.symptoms) t.symptoms += (t.symptoms.empty() ? "" : "; ") + s;
  t.medications = join(v.medications, [&](int i) {
    const std::string* name = atc3_name(c.medications.code(i));
    return name ? *name : c.medications.code(i);
  }, "; ");
  for (const std::string* part : {&t.diagnoses, &t.procedures, &t.symptoms})
    if (!part->empty()) t.full += (t.full.empty() ? "" : ". ") + *part;
  return t;
}

}  // namespace nlammr
