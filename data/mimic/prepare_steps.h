// The stages of the MIMIC preparation (data/mimic/prepare.h), one file each,
// and the small row utilities they share. Internal to the preparation.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "data/mimic/prepare.h"
#include "data/mimic/prepare_report.h"
#include "io/string_pool.h"

namespace nlammr::prepare {

// Every input file of a preparation, resolved and checked before the long
// reading starts.
struct InputFiles {
  std::string prescriptions, diagnoses, procedures, admissions;
  std::string diagnosis_titles, procedure_titles;
  std::string ndc_rxcui, rxcui_atc, drug_atc, drugbank, ddi;  // "" when skipped
};
InputFiles resolve_input_files(const PrepareOptions& options);

// A prescription after mapping its NDC to an ATC3 class.
struct MedicationRow {
  int64_t subject = 0;
  int64_t hadm = 0;
  int64_t start = 0;
  uint32_t drug = 0;   // id in MedicationStage::drugs
  uint32_t atc3 = 0;   // id in MedicationStage::classes
};

struct MedicationStage {
  std::vector<MedicationRow> rows;  // in the reference's order
  StringPool drugs;                 // drug names (the DRUG column)
  StringPool classes;               // ATC3 codes
  std::unordered_map<uint32_t, std::vector<std::string>> names;   // class -> drug names, first seen first
  std::unordered_map<uint32_t, std::vector<std::string>> smiles;  // class -> SMILES
};
MedicationStage prepare_medications(const PrepareOptions& options, const InputFiles& files,
                                    PrepareReport& report);

struct CodeStage {
  std::vector<CodeRow> rows;  // in the reference's order
  StringPool codes;
};
CodeStage prepare_diagnoses(const PrepareOptions& options, const InputFiles& files, PrepareReport& report);
CodeStage prepare_procedures(const PrepareOptions& options, const InputFiles& files, PrepareReport& report);

// Combines the three tables into patients and visits, attaches titles,
// molecules, names and interactions.
Cohort build_cohort(const PrepareOptions& options, const InputFiles& files, const MedicationStage& medications,
                    const CodeStage& diagnoses, const CodeStage& procedures, PrepareReport& report);

// --- row utilities -----------------------------------------------------------

struct TupleHash {
  template <typename... T>
  size_t operator()(const std::tuple<T...>& t) const {
    size_t h = 0x9e3779b97f4a7c15ull;
    std::apply([&](const auto&... v) { ((h = (h ^ std::hash<std::decay_t<decltype(v)>>()(v)) * 0x100000001b3ull), ...); },
               t);
    return h;
  }
};

// Removes rows whose key was seen before, keeping the first; returns how many
// were removed.
template <typename Row, typename KeyOf>
size_t drop_duplicates(std::vector<Row>& rows, KeyOf key_of) {
  using Key = decltype(key_of(rows.front()));
  std::unordered_set<Key, TupleHash> seen;
  seen.reserve(rows.size());
  const size_t before = rows.size();
  rows.erase(std::remove_if(rows.begin(), rows.end(), [&](const Row& r) { return !seen.insert(key_of(r)).second; }),
             rows.end());
  return before - rows.size();
}

// The ids of the `keep` most frequent values of `value_of` over `rows`;
// counts sorted descending, ties broken by the value's string (the order
// pandas' groupby leaves before its sort). keep == 0 keeps all.
template <typename Row, typename ValueOf>
std::vector<bool> most_frequent(const std::vector<Row>& rows, size_t n_values, size_t keep,
                                const std::function<const std::string&(uint32_t)>& name_of, ValueOf value_of) {
  std::vector<size_t> counts(n_values, 0);
  for (const Row& r : rows) ++counts[value_of(r)];
  std::vector<uint32_t> order;
  for (uint32_t v = 0; v < n_values; ++v) {
    if (counts[v] > 0) order.push_back(v);
  }
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return name_of(a) < name_of(b); });
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return counts[a] > counts[b]; });
  std::vector<bool> kept(n_values, false);
  for (size_t i = 0; i < order.size() && (keep == 0 || i < keep); ++i) kept[order[i]] = true;
  return kept;
}

}  // namespace nlammr::prepare
