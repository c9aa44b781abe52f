// Reading the raw MIMIC tables the preparation needs, for MIMIC-III (upper-case
// file and column names, ICD-9 only) and MIMIC-IV (hosp module, lower case,
// ICD-9 and ICD-10 told apart by icd_version). Every row that cannot be used is
// counted in the report, with examples naming file and line.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "data/cohort/cohort.h"
#include "data/mimic/prepare_report.h"
#include "io/string_pool.h"

namespace nlammr {

enum class MimicVersion { kMimic3, kMimic4 };

// The path of a table ("prescriptions"): NAME.csv or NAME.csv.gz, upper or
// lower case, in `dir` or in `dir`/hosp. "" when there is none.
std::string find_mimic_table(const std::string& dir, const std::string& name);
// Like find_mimic_table, but throws naming the places it looked.
std::string require_mimic_table(const std::string& dir, const std::string& name);

// The cohort's key for an ICD code: the code itself for MIMIC-III (so that
// prepared cohorts match the reference's), "ICD9:<code>" or "ICD10:<code>"
// for MIMIC-IV, where both revisions occur and can collide.
std::string icd_code_key(const std::string& code, const std::string& icd_version, MimicVersion version);

struct PrescriptionRow {
  int64_t subject = 0;
  int64_t hadm = 0;
  int64_t icustay = 0;  // 0 in MIMIC-IV, which has no ICU stay column here
  int64_t start = 0;    // sortable timestamp key
  uint32_t drug = 0;    // id in the drug-name pool
  uint32_t ndc = 0;     // id in the NDC pool
};

// How to treat an empty field in a prescription row.
enum class MissingValues {
  kFromPreviousRow,  // take the previous row's value (the reference's fillna(method="pad"))
  kDrop,             // drop the row
};

// PRESCRIPTIONS: rows with NDC "0" are dropped, empty fields handled as
// asked, then rows with an unparsable id or date are dropped; all counted.
std::vector<PrescriptionRow> read_prescriptions(const std::string& path, MimicVersion version,
                                                MissingValues missing, StringPool& drugs, StringPool& ndcs,
                                                PrepareReport& report);

struct CodeRow {
  int64_t subject = 0;
  int64_t hadm = 0;
  int64_t seq = 0;    // SEQ_NUM; INT64_MAX when missing (sorts last)
  uint32_t code = 0;  // id in the code pool (cohort code keys)
};

// DIAGNOSES_ICD: like the reference, a row with any empty field is dropped.
std::vector<CodeRow> read_diagnoses(const std::string& path, MimicVersion version, StringPool& codes,
                                    PrepareReport& report);
// PROCEDURES_ICD: a row without subject, admission or code is dropped; a
// missing SEQ_NUM sorts last.
std::vector<CodeRow> read_procedures(const std::string& path, MimicVersion version, StringPool& codes,
                                     PrepareReport& report);

// ADMISSIONS: admission id -> sortable admission time.
std::unordered_map<int64_t, int64_t> read_admission_times(const std::string& path, PrepareReport& report);

// D_ICD_DIAGNOSES / D_ICD_PROCEDURES: code key -> titles (MIMIC-IV has only
// long titles; the short title stays empty).
std::unordered_map<std::string, CodeTitles> read_icd_titles(const std::string& path, MimicVersion version,
                                                            PrepareReport& report, const std::string& stage);

}  // namespace nlammr
