// Reading a cohort directory (format in docs/data.md).
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "data/cohort/cohort.h"
#include "io/input_file.h"
#include "io/text_table.h"

namespace nlammr {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const char* const kRequiredFiles[] = {"cohort.jsonl", "diagnoses.tsv", "procedures.tsv", "medications.tsv",
                                      "ddi.tsv"};

// One kind of code (diagnoses, procedures, medications) while reading.
struct CodeKind {
  const char* name;        // "diagnosis"
  const char* json_key;    // "diagnoses"
  const char* dictionary;  // "diagnoses.tsv"
  const char* vocab_file;  // "diagnoses.vocab"
  Vocabulary* vocabulary;
  bool vocabulary_fixed = false;         // read from a .vocab file
  std::map<std::string, size_t> counts;  // code -> number of visits using it
  std::set<std::string> outside_vocab;    // codes a fixed vocabulary lacked
};

class CohortReader {
 public:
  CohortReader(const std::string& dir, const CohortReadOptions& options, CohortReadReport& report)
      : dir_(dir), options_(options), report_(report) {}

  Cohort read() {
    check_files();
    CodeKind kinds[3] = {
        {"diagnosis", "diagnoses", "diagnoses.tsv", "diagnoses.vocab", &cohort_.diagnoses, false, {}, {}},
        {"procedure", "procedures", "procedures.tsv", "procedures.vocab", &cohort_.procedures, false, {}, {}},
        {"medication", "medications", "medications.tsv", "medications.vocab", &cohort_.medications, false, {}, {}},
    };
    for (auto& kind : kinds) read_vocab(kind);
    read_patients(kinds);
    for (auto& kind : kinds) {
      for (const auto& code : kind.outside_vocab) {
        unknown(std::string(kind.name) + " code not in " + kind.vocab_file, code, kind.counts[code]);
      }
    }
    cohort_.resize_tables();
    read_titles(kinds[0], cohort_.diagnosis_titles);
    read_titles(kinds[1], cohort_.procedure_titles);
    read_medications(kinds[2]);
    read_medication_names();
    read_ddi();
    check_stats();
    if (options_.strict) throw_if_unknown_codes();
    return std::move(cohort_);
  }

 private:
  std::string path(const std::string& file) const { return (fs::path(dir_) / file).string(); }

  void unknown(const std::string& problem, const std::string& code, size_t count) {
    report_.unknown_codes[problem][code] += count;
  }

  void warn(const std::string& message) { report_.warnings.push_back(message); }

  void check_files() {
    if (!fs::is_directory(dir_)) throw std::runtime_error(dir_ + ": cohort directory not found");
    for (const char* file : kRequiredFiles) {
      if (!file_exists(path(file))) {
        throw std::runtime_error(path(file) +
                                 ": file not found (a cohort directory needs cohort.jsonl, diagnoses.tsv, "
                                 "procedures.tsv, medications.tsv and ddi.tsv; see docs/data.md)");
      }
    }
  }

  void read_vocab(CodeKind& kind) {
    const std::string file = path(kind.vocab_file);
    if (!file_exists(file)) return;
    kind.vocabulary_fixed = true;
    std::istringstream lines(read_text_file(file));
    std::string line;
    for (size_t number = 1; std::getline(lines, line); ++number) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) throw std::runtime_error(file + ":" + std::to_string(number) + ": empty line");
      if (kind.vocabulary->find(line) >= 0) {
        throw std::runtime_error(file + ":" + std::to_string(number) + ": code '" + line +
                                 "' appears twice");
      }
      kind.vocabulary->add(line);
    }
  }

  // Index of a code seen in a visit; codes outside a fixed vocabulary are
  // reported and (lenient) appended.
  int code_index(CodeKind& kind, const std::string& code) {
    ++kind.counts[code];
    int index = kind.vocabulary->find(code);
    if (index >= 0) return index;
    if (kind.vocabulary_fixed) kind.outside_vocab.insert(code);
    return kind.vocabulary->add(code);
  }

  std::vector<int> read_codes(const json& visit, CodeKind& kind, const std::string& where) {
    auto found = visit.find(kind.json_key);
    if (found == visit.end()) throw std::runtime_error(where + ": missing '" + kind.json_key + "'");
    if (!found->is_array()) throw std::runtime_error(where + ": '" + kind.json_key + "' must be an array");
    std::vector<int> indices;
    std::set<int> seen;
    for (const auto& item : *found) {
      if (!item.is_string()) {
        throw std::runtime_error(where + ": '" + kind.json_key + "' must hold strings (found " +
                                 item.dump() + "; codes are strings so that leading zeros survive)");
      }
      const std::string code = item.get<std::string>();
      if (code.empty() || code.find_first_of("\t\r\n|") != std::string::npos) {
        throw std::runtime_error(where + ": bad " + kind.name + " code '" + code +
                                 "' (empty, or holding a tab, line break or '|')");
      }
      int index = code_index(kind, code);
      if (!seen.insert(index).second) {
        ++report_.duplicate_codes_in_visits;
        continue;
      }
      indices.push_back(index);
    }
    return indices;
  }

  static std::string patient_id(const json& value, const std::string& where) {
    if (value.is_number_integer()) return std::to_string(value.get<long long>());
    if (value.is_string() && !value.get<std::string>().empty()) return value.get<std::string>();
    throw std::runtime_error(where + ": 'patient' must be an integer or a non-empty string");
  }

  void read_patients(CodeKind* kinds) {
    const std::string file = path("cohort.jsonl");
    std::istringstream in(read_input_file(file));
    std::map<std::string, size_t> first_line_of_patient;
    std::string line;
    for (size_t number = 1; std::getline(in, line); ++number) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      const std::string where = file + ":" + std::to_string(number);
      json record;
      try {
        record = json::parse(line);
      } catch (const json::exception& e) {  // parse_error, or out_of_range for a number like 1e999
        throw std::runtime_error(where + ": malformed JSON (" + e.what() +
                                 "); is the line truncated?");
      }
      if (!record.is_object()) throw std::runtime_error(where + ": expected a JSON object per line");
      if (!record.contains("patient")) throw std::runtime_error(where + ": missing 'patient'");
      Patient patient;
      patient.id = patient_id(record["patient"], where);
      auto [previous, inserted] = first_line_of_patient.emplace(patient.id, number);
      if (!inserted) {
        throw std::runtime_error(where + ": duplicate patient '" + patient.id + "' (first on line " +
                                 std::to_string(previous->second) + ")");
      }
      if (!record.contains("visits") || !record["visits"].is_array()) {
        throw std::runtime_error(where + ": 'visits' must be an array");
      }
      if (record["visits"].empty()) throw std::runtime_error(where + ": patient '" + patient.id + "' has no visits");
      size_t visit_number = 0;
      for (const auto& item : record["visits"]) {
        ++visit_number;
        const std::string visit_where = where + ": visit " + std::to_string(visit_number);
        if (!item.is_object()) throw std::runtime_error(visit_where + ": expected a JSON object");
        Visit visit;
        visit.diagnoses = read_codes(item, kinds[0], visit_where);
        visit.procedures = read_codes(item, kinds[1], visit_where);
        visit.medications = read_codes(item, kinds[2], visit_where);
        if (visit.medications.empty()) {
          throw std::runtime_error(visit_where + ": visit has no medications (every visit needs a target set)");
        }
        if (item.contains("symptoms")) {
          const json& symptoms = item["symptoms"];
          if (!symptoms.is_array()) throw std::runtime_error(visit_where + ": 'symptoms' must be an array");
          for (const auto& text : symptoms) {
            if (!text.is_string()) throw std::runtime_error(visit_where + ": 'symptoms' must hold strings");
            visit.symptoms.push_back(text.get<std::string>());
          }
        }
        patient.visits.push_back(std::move(visit));
      }
      cohort_.patients.push_back(std::move(patient));
    }
    if (in.bad()) throw std::runtime_error(file + ": read error");
    if (cohort_.patients.empty()) throw std::runtime_error(file + ": no patients");
  }

  // Titles of the vocabulary codes from a dictionary; codes without a row are reported.
  void read_titles(CodeKind& kind, std::vector<CodeTitles>& titles) {
    const std::string file = path(kind.dictionary);
    std::vector<bool> seen(kind.vocabulary->size(), false);
    std::set<std::string> codes_in_file;
    for (const auto& row : read_tsv(file, {"code", "short_title", "long_title"}, 1)) {
      const std::string& code = row.fields[0];
      if (!codes_in_file.insert(code).second) {
        throw std::runtime_error(file + ":" + std::to_string(row.line) + ": code '" + code + "' appears twice");
      }
      int index = kind.vocabulary->find(code);
      if (index < 0) {
        ++report_.unused_dictionary_rows;
        continue;
      }
      titles[static_cast<size_t>(index)] = {row.fields[1], row.fields[2]};
      seen[static_cast<size_t>(index)] = true;
    }
    report_missing_rows(kind, seen);
  }

  void report_missing_rows(CodeKind& kind, const std::vector<bool>& seen) {
    for (size_t i = 0; i < seen.size(); ++i) {
      if (seen[i]) continue;
      const std::string& code = kind.vocabulary->code(static_cast<int>(i));
      auto count = kind.counts.find(code);
      unknown(std::string(kind.name) + " code not in " + kind.dictionary, code,
              count == kind.counts.end() ? 0 : count->second);
    }
  }

  void read_medications(CodeKind& kind) {
    const std::string file = path("medications.tsv");
    std::vector<bool> seen(cohort_.medications.size(), false);
    std::set<std::string> classes_in_file;
    for (const auto& row : read_tsv(file, {"atc3", "smiles"}, 1)) {
      const std::string& code = row.fields[0];
      if (!classes_in_file.insert(code).second) {
        throw std::runtime_error(file + ":" + std::to_string(row.line) + ": class '" + code + "' appears twice");
      }
      int index = cohort_.medications.find(code);
      if (index < 0) {
        ++report_.unused_dictionary_rows;
        continue;
      }
      for (const auto& smiles : split(row.fields[1], '|')) {
        if (smiles.empty() || smiles.find(' ') != std::string::npos) {
          throw std::runtime_error(file + ":" + std::to_string(row.line) + ": empty or blank-containing SMILES in '" +
                                   row.fields[1] + "'");
        }
        cohort_.medication_smiles[static_cast<size_t>(index)].push_back(smiles);
      }
      seen[static_cast<size_t>(index)] = true;
    }
    report_missing_rows(kind, seen);
  }

  void read_medication_names() {
    const std::string file = path("medication_names.tsv");
    if (!file_exists(file)) return;
    for (const auto& row : read_tsv(file, {"atc3", "names"}, 1)) {
      int index = cohort_.medications.find(row.fields[0]);
      if (index < 0) {
        unknown("medication class in medication_names.tsv not in the cohort", row.fields[0], 0);
        continue;
      }
      cohort_.medication_names[static_cast<size_t>(index)] = split(row.fields[1], '|');
    }
  }

  void read_ddi() {
    const std::string file = path("ddi.tsv");
    for (const auto& row : read_tsv(file, {"atc3_a", "atc3_b"}, 2)) {
      const std::string& a = row.fields[0];
      const std::string& b = row.fields[1];
      if (a == b) {
        throw std::runtime_error(file + ":" + std::to_string(row.line) + ": class '" + a +
                                 "' paired with itself");
      }
      int ia = cohort_.medications.find(a);
      int ib = cohort_.medications.find(b);
      if (ia < 0 || ib < 0) {
        unknown("DDI class in ddi.tsv not in the medication vocabulary", ia < 0 ? a : b, 1);
        continue;
      }
      cohort_.ddi.add(ia, ib);
    }
  }

  void check_stats() {
    const std::string file = path("stats.json");
    if (!file_exists(file)) return;
    json stats;
    try {
      stats = json::parse(read_text_file(file));
    } catch (const json::exception& e) {  // parse_error, or out_of_range for a number like 1e999
      throw std::runtime_error(file + ": malformed JSON (" + e.what() + ")");
    }
    auto check = [&](const char* key, size_t actual) {
      if (!stats.contains(key) || !stats[key].is_number_integer()) return;
      const size_t expected = stats[key].get<size_t>();
      if (expected == actual) return;
      const std::string message = file + ": says " + std::to_string(expected) + " " + key + " but cohort.jsonl has " +
                                  std::to_string(actual) + " (truncated or edited cohort?)";
      if (options_.strict) throw std::runtime_error(message);
      warn(message);
    };
    check("patients", cohort_.patients.size());
    check("visits", cohort_.visit_count());
  }

  void throw_if_unknown_codes() const {
    if (report_.unknown_codes.empty()) return;
    std::string message = dir_ + ": codes without a dictionary entry (read the cohort leniently to go on):";
    for (const auto& [problem, codes] : report_.unknown_codes) {
      message += "\n  " + std::to_string(codes.size()) + " " + problem + ":";
      size_t shown = 0;
      for (const auto& [code, count] : codes) {
        if (++shown > 10) {
          message += " ...";
          break;
        }
        message += " " + code + " (" + std::to_string(count) + "x)";
      }
    }
    throw std::runtime_error(message);
  }

  std::string dir_;
  CohortReadOptions options_;
  CohortReadReport& report_;
  Cohort cohort_;
};

}  // namespace

Cohort read_cohort(const std::string& dir, const CohortReadOptions& options, CohortReadReport* report) {
  CohortReadReport local;
  CohortReader reader(dir, options, report != nullptr ? *report : local);
  return reader.read();
}

}  // namespace nlammr
