// Writing a cohort directory (format in docs/data.md).
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "data/cohort/cohort.h"
#include "io/atomic_file.h"
#include "io/text_table.h"

namespace nlammr {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A patient id that is a plain integer ("0", "-12", not "007") round-trips
// as a JSON number, like the reference cohort; anything else as a string.
json patient_id_json(const std::string& id) {
  const size_t digits_start = (!id.empty() && id[0] == '-') ? 1 : 0;
  const size_t digits = id.size() - digits_start;
  bool plain = digits > 0 && digits <= 18 && id.find_first_not_of("0123456789", digits_start) == std::string::npos &&
               !(digits > 1 && id[digits_start] == '0') && id != "-0";
  if (plain) return json(std::strtoll(id.c_str(), nullptr, 10));
  return json(id);
}

json codes_json(const Vocabulary& vocabulary, const std::vector<int>& indices) {
  json codes = json::array();
  for (int i : indices) codes.push_back(vocabulary.code(i));
  return codes;
}

std::string cohort_jsonl(const Cohort& cohort) {
  std::string out;
  for (const auto& patient : cohort.patients) {
    if (patient.visits.empty()) throw std::runtime_error("write_cohort: patient '" + patient.id + "' has no visits");
    // ordered_json keeps the documented key order, which makes files diffable.
    nlohmann::ordered_json record;
    record["patient"] = patient_id_json(patient.id);
    record["visits"] = nlohmann::ordered_json::array();
    for (const auto& visit : patient.visits) {
      if (visit.medications.empty()) {
        throw std::runtime_error("write_cohort: patient '" + patient.id + "' has a visit without medications");
      }
      nlohmann::ordered_json v;
      v["diagnoses"] = codes_json(cohort.diagnoses, visit.diagnoses);
      v["procedures"] = codes_json(cohort.procedures, visit.procedures);
      if (!visit.symptoms.empty()) v["symptoms"] = visit.symptoms;
      v["medications"] = codes_json(cohort.medications, visit.medications);
      record["visits"].push_back(std::move(v));
    }
    out += record.dump() + "\n";
  }
  return out;
}

std::string titles_tsv(const Vocabulary& vocabulary, const std::vector<CodeTitles>& titles) {
  std::string out = "code\tshort_title\tlong_title\n";
  for (size_t i = 0; i < vocabulary.size(); ++i) {
    const CodeTitles empty;
    const CodeTitles& t = i < titles.size() ? titles[i] : empty;
    out += vocabulary.code(static_cast<int>(i)) + "\t" + sanitize_tsv_value(t.short_title) + "\t" +
           sanitize_tsv_value(t.long_title) + "\n";
  }
  return out;
}

std::string list_tsv(const char* header, const Vocabulary& vocabulary,
                     const std::vector<std::vector<std::string>>& lists, bool sanitize) {
  std::string out = header;
  for (size_t i = 0; i < vocabulary.size(); ++i) {
    std::vector<std::string> items;
    if (i < lists.size()) {
      for (const auto& item : lists[i]) {
        std::string value = sanitize ? sanitize_tsv_value(item) : item;
        if (!value.empty()) items.push_back(value);
      }
    }
    out += vocabulary.code(static_cast<int>(i)) + "\t" + join(items, "|") + "\n";
  }
  return out;
}

std::string vocab_file(const Vocabulary& vocabulary) {
  std::string out;
  for (const auto& code : vocabulary.codes()) out += code + "\n";
  return out;
}

}  // namespace

void write_cohort(const Cohort& cohort, const std::string& dir, const json& extra_stats) {
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) throw std::runtime_error(dir + ": cannot create directory (" + error.message() + ")");
  auto write = [&](const char* name, const std::string& bytes) {
    write_file_atomic((fs::path(dir) / name).string(), bytes);
  };
  for (const auto& smiles_list : cohort.medication_smiles) {
    for (const auto& smiles : smiles_list) {
      if (smiles.empty() || smiles.find_first_of(" \t\r\n|") != std::string::npos) {
        throw std::runtime_error("write_cohort: bad SMILES '" + smiles + "' (empty or with a blank or '|')");
      }
    }
  }
  write("cohort.jsonl", cohort_jsonl(cohort));
  write("diagnoses.tsv", titles_tsv(cohort.diagnoses, cohort.diagnosis_titles));
  write("procedures.tsv", titles_tsv(cohort.procedures, cohort.procedure_titles));
  write("medications.tsv", list_tsv("atc3\tsmiles\n", cohort.medications, cohort.medication_smiles, false));
  bool has_names = false;
  for (const auto& names : cohort.medication_names) has_names = has_names || !names.empty();
  if (has_names) {
    write("medication_names.tsv", list_tsv("atc3\tnames\n", cohort.medications, cohort.medication_names, true));
  } else {
    fs::remove(fs::path(dir) / "medication_names.tsv", error);  // no stale names from an earlier cohort
  }
  std::string ddi = "atc3_a\tatc3_b\n";
  if (cohort.ddi.size() == cohort.medications.size()) {
    for (auto [a, b] : cohort.ddi.pairs()) {
      ddi += cohort.medications.code(a) + "\t" + cohort.medications.code(b) + "\n";
    }
  } else if (cohort.ddi.size() != 0) {
    throw std::runtime_error("write_cohort: the DDI matrix does not match the medication vocabulary");
  }
  write("ddi.tsv", ddi);
  write("diagnoses.vocab", vocab_file(cohort.diagnoses));
  write("procedures.vocab", vocab_file(cohort.procedures));
  write("medications.vocab", vocab_file(cohort.medications));
  json stats = cohort_stats(cohort);
  if (extra_stats.is_object()) {
    for (auto it = extra_stats.begin(); it != extra_stats.end(); ++it) stats[it.key()] = it.value();
  }
  write("stats.json", stats.dump(1) + "\n");
}

}  // namespace nlammr
