// The cohort: patients, their visits (diagnoses, procedures, optional symptom
// texts, medications), the code dictionaries, the medication molecules and the
// drug-drug interactions. One on-disk format, a directory, documented in
// docs/data.md:
//
//   cohort.jsonl            one patient per line, visits in time order
//   diagnoses.tsv           code <TAB> short_title <TAB> long_title
//   procedures.tsv          code <TAB> short_title <TAB> long_title
//   medications.tsv         atc3 <TAB> smiles|smiles|...
//   medication_names.tsv    atc3 <TAB> name|name|...          (optional)
//   ddi.tsv                 atc3_a <TAB> atc3_b
//   *.vocab                 one code a line, fixing index order (optional)
//   stats.json              counts, checked against the data when present
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace nlammr {

// Code <-> index table. Indices follow the order in which codes were added.
class Vocabulary {
 public:
  // Index of `code`, adding it at the end when new.
  int add(const std::string& code);
  // Index of `code`, or -1.
  int find(const std::string& code) const;
  const std::string& code(int index) const { return codes_.at(static_cast<size_t>(index)); }
  const std::vector<std::string>& codes() const { return codes_; }
  size_t size() const { return codes_.size(); }

 private:
  std::vector<std::string> codes_;
  std::unordered_map<std::string, int> index_;
};

struct Visit {
  std::vector<int> diagnoses;   // indices into Cohort::diagnoses
  std::vector<int> procedures;  // indices into Cohort::procedures
  std::vector<std::string> symptoms;
  std::vector<int> medications;  // indices into Cohort::medications; never empty
};

struct Patient {
  std::string id;  // written as a JSON number when it is a plain integer
  std::vector<Visit> visits;
};

struct CodeTitles {
  std::string short_title;
  std::string long_title;
};

// Symmetric interaction table over medication indices.
class DdiMatrix {
 public:
  DdiMatrix() = default;
  explicit DdiMatrix(size_t n) : n_(n), cells_(n * n, 0) {}
  void add(int a, int b);
  bool interacts(int a, int b) const {
    return cells_[static_cast<size_t>(a) * n_ + static_cast<size_t>(b)] != 0;
  }
  size_t size() const { return n_; }
  // Each interacting pair once, a < b, in row-major order.
  std::vector<std::pair<int, int>> pairs() const;

 private:
  size_t n_ = 0;
  std::vector<uint8_t> cells_;
};

struct Cohort {
  std::vector<Patient> patients;
  Vocabulary diagnoses;
  Vocabulary procedures;
  Vocabulary medications;
  std::vector<CodeTitles> diagnosis_titles;                 // by diagnosis index
  std::vector<CodeTitles> procedure_titles;                 // by procedure index
  std::vector<std::vector<std::string>> medication_smiles;  // by medication index
  std::vector<std::vector<std::string>> medication_names;   // by medication index (may be empty)
  DdiMatrix ddi;                                            // medications.size() squared

  size_t visit_count() const;
  // Makes the per-index tables as long as the vocabularies (new entries empty)
  // and the DDI matrix as wide as the medication vocabulary.
  void resize_tables();
};

// Patients by index into Cohort::patients.
struct CohortSplit {
  std::vector<size_t> train;
  std::vector<size_t> test;
  std::vector<size_t> validation;
};

// The split of the reference implementations (SafeDrug, MoleRec, NLA-MMR):
// patients in file order; the first int(n*2/3) train, the next
// int((n - n_train)/2) TEST, the rest validation (test before validation).
CohortSplit reference_split(size_t n_patients);

struct CohortReadOptions {
  // Strict: a code missing from its dictionary (or from a .vocab file, or a
  // DDI pair naming an unknown class) is an error. Lenient: it is counted in
  // the report and the cohort is read anyway (empty titles, pair dropped,
  // code appended to the vocabulary).
  bool strict = true;
};

struct CohortReadReport {
  // Problem kind ("diagnosis code not in diagnoses.tsv", ...) -> code -> count.
  std::map<std::string, std::map<std::string, size_t>> unknown_codes;
  size_t duplicate_codes_in_visits = 0;  // repeated codes dropped from a visit
  size_t unused_dictionary_rows = 0;     // dictionary rows for codes no visit uses
  std::vector<std::string> warnings;
};

// Reads a cohort directory. Throws std::runtime_error naming the file (and
// line) for a missing file, malformed JSON, a bad TSV row, a duplicate
// patient, a visit without medications, a stats.json that disagrees with the
// data, or (strict) unknown codes.
Cohort read_cohort(const std::string& dir, const CohortReadOptions& options = {},
                   CohortReadReport* report = nullptr);

// Writes a cohort directory (created when missing); every file is written to
// a temporary name and renamed into place. `extra_stats` (a JSON object) is
// merged into stats.json.
void write_cohort(const Cohort& cohort, const std::string& dir,
                  const nlohmann::json& extra_stats = nlohmann::json::object());

// The counts stats.json holds (patients, visits, vocabulary sizes, split).
nlohmann::json cohort_stats(const Cohort& cohort);

}  // namespace nlammr
