#include "data/mimic/tables.h"


#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "io/csv_reader.h"
#include "data/mimic/drug_mappings.h"
#include "data/mimic/timestamp.h"
#include "io/text_table.h"

namespace nlammr {

namespace {

namespace fs = std::filesystem;

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

std::string where(const CsvReader& reader) { return reader.path() + ":" + std::to_string(reader.record_line()); }

// Counts a row that cannot be used, with the file and line as an example.
void bad_row(PrepareReport& report, const std::string& key, const CsvReader& reader, const std::string& why) {
  report.count(key);
  report.example(key, where(reader) + ": " + why);
}

std::string field_count_problem(size_t got, size_t want) {
  return std::to_string(got) + " fields, the header has " + std::to_string(want);
}

}  // namespace

std::string find_mimic_table(const std::string& dir, const std::string& name) {
  for (const std::string& sub : {std::string(), std::string("hosp")}) {
    for (const std::string& base : {upper(name), name}) {
      for (const char* ext : {".csv", ".csv.gz"}) {
        fs::path p = fs::path(dir) / sub / (base + ext);
        if (fs::is_regular_file(p)) return p.string();
      }
    }
  }
  return "";
}

std::string require_mimic_table(const std::string& dir, const std::string& name) {
  std::string path = find_mimic_table(dir, name);
  if (path.empty()) {
    throw std::runtime_error(dir + ": MIMIC table '" + name + "' not found (looked for " + upper(name) + ".csv, " +
                             name + ".csv and their .csv.gz forms, in the directory and in its hosp/ folder)");
  }
  return path;
}

// A code with a control character (a damaged file, an editor's stray tab or
// NUL) would otherwise become a new code of its own; it is an error instead.
std::string checked_code(const std::string& field, const CsvReader& reader) {
  const std::string code = trim(field);
  for (unsigned char c : code) {
    if (c < 0x20 || c == 0x7F) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", c);
      throw std::runtime_error(where(reader) + ": ICD code contains the control character " + hex +
                               "; the file is damaged");
    }
  }
  return code;
}

std::string icd_code_key(const std::string& code, const std::string& icd_version, MimicVersion version) {
  if (version == MimicVersion::kMimic3) return code;
  return "ICD" + icd_version + ":" + code;
}

std::vector<PrescriptionRow> read_prescriptions(const std::string& path, MimicVersion version,
                                                MissingValues missing, StringPool& drugs, StringPool& ndcs,
                                                PrepareReport& report) {
  CsvTable table(path);
  const bool mimic3 = version == MimicVersion::kMimic3;
  // The columns the reference keeps, in one order for both versions.
  enum { kSubject, kHadm, kIcustay, kStart, kDrug, kNdc, kColumns };
  const char* names[kColumns] = {"SUBJECT_ID", "HADM_ID", "ICUSTAY_ID", mimic3 ? "STARTDATE" : "starttime",
                                 "DRUG", "NDC"};
  int column[kColumns];
  for (int c = 0; c < kColumns; ++c) column[c] = (c == kIcustay && !mimic3) ? -1 : table.header.require(names[c]);

  std::vector<PrescriptionRow> rows;
  std::string last[kColumns];  // the previous row's value of each column
  std::vector<std::string> f;
  std::string value[kColumns];
  while (table.reader.next(f)) {
    report.count("prescriptions.rows_read");
    if (f.size() != table.header.size()) {
      bad_row(report, "prescriptions.bad_rows", table.reader, field_count_problem(f.size(), table.header.size()));
      continue;
    }
    if (f[column[kNdc]] == "0") {
      report.count("prescriptions.ndc_0_dropped");
      continue;
    }
    bool incomplete = false;
    for (int c = 0; c < kColumns; ++c) {
      if (column[c] < 0) {
        value[c] = "0";
        continue;
      }
      value[c] = f[column[c]];
      if (!value[c].empty()) {
        last[c] = value[c];
      } else if (missing == MissingValues::kFromPreviousRow && !last[c].empty()) {
        value[c] = last[c];
        report.count(std::string("prescriptions.filled_from_previous_row.") + names[c]);
      } else {
        incomplete = true;
      }
    }
    if (incomplete) {
      bad_row(report, "prescriptions.missing_value_dropped", table.reader, "empty field");
      continue;
    }
    PrescriptionRow row;
    auto start = parse_mimic_timestamp(value[kStart]);
    if (!parse_integer(value[kSubject], row.subject) || !parse_integer(value[kHadm], row.hadm) ||
        !parse_integer(value[kIcustay], row.icustay) || !start) {
      bad_row(report, "prescriptions.unparsable_rows", table.reader, "bad id or date");
      continue;
    }
    if (start->two_digit_year) report.count("prescriptions.two_digit_year_dates");
    row.start = start->key;
    row.drug = drugs.id(value[kDrug]);
    row.ndc = ndcs.id(value[kNdc]);
    rows.push_back(row);
  }
  report.count("prescriptions.rows_kept", rows.size());
  return rows;
}

namespace {

enum class CodeTable { kDiagnoses, kProcedures };

std::vector<CodeRow> read_codes(const std::string& path, MimicVersion version, CodeTable kind, StringPool& codes,
                                PrepareReport& report) {
  const std::string stage = kind == CodeTable::kDiagnoses ? "diagnoses" : "procedures";
  CsvTable table(path);
  const bool mimic3 = version == MimicVersion::kMimic3;
  const int subject_col = table.header.require("SUBJECT_ID");
  const int hadm_col = table.header.require("HADM_ID");
  const int seq_col = table.header.require("SEQ_NUM");
  const int code_col = table.header.require(mimic3 ? "ICD9_CODE" : "icd_code");
  const int version_col = mimic3 ? -1 : table.header.require("icd_version");
  std::vector<CodeRow> rows;
  std::vector<std::string> f;
  while (table.reader.next(f)) {
    report.count(stage + ".rows_read");
    if (f.size() != table.header.size()) {
      bad_row(report, stage + ".bad_rows", table.reader, field_count_problem(f.size(), table.header.size()));
      continue;
    }
    // The reference drops diagnosis rows with any missing value (dropna on
    // the whole table); procedure rows need their ids and code.
    bool incomplete = f[subject_col].empty() || f[hadm_col].empty() || f[code_col].empty() ||
                      (version_col >= 0 && f[version_col].empty());
    if (kind == CodeTable::kDiagnoses) {
      for (const auto& v : f) incomplete = incomplete || v.empty();
    }
    if (incomplete) {
      bad_row(report, stage + ".missing_value_dropped", table.reader, "empty field");
      continue;
    }
    CodeRow row;
    if (!parse_integer(f[subject_col], row.subject) || !parse_integer(f[hadm_col], row.hadm)) {
      bad_row(report, stage + ".unparsable_rows", table.reader, "bad subject or admission id");
      continue;
    }
    if (f[seq_col].empty()) {
      row.seq = INT64_MAX;
      report.count(stage + ".missing_seq_num");
    } else if (!parse_integer(f[seq_col], row.seq)) {
      bad_row(report, stage + ".unparsable_rows", table.reader, "bad SEQ_NUM");
      continue;
    }
    const std::string code = checked_code(f[code_col], table.reader);
    row.code = codes.id(icd_code_key(code, version_col >= 0 ? trim(f[version_col]) : "", version));
    rows.push_back(row);
  }
  report.count(stage + ".rows_kept", rows.size());
  return rows;
}

}  // namespace

std::vector<CodeRow> read_diagnoses(const std::string& path, MimicVersion version, StringPool& codes,
                                    PrepareReport& report) {
  return read_codes(path, version, CodeTable::kDiagnoses, codes, report);
}

std::vector<CodeRow> read_procedures(const std::string& path, MimicVersion version, StringPool& codes,
                                     PrepareReport& report) {
  return read_codes(path, version, CodeTable::kProcedures, codes, report);
}

std::unordered_map<int64_t, int64_t> read_admission_times(const std::string& path, PrepareReport& report) {
  CsvTable table(path);
  const int hadm_col = table.header.require("HADM_ID");
  const int time_col = table.header.require("ADMITTIME");
  std::unordered_map<int64_t, int64_t> times;
  std::vector<std::string> f;
  while (table.reader.next(f)) {
    report.count("admissions.rows_read");
    int64_t hadm = 0;
    std::optional<ParsedTimestamp> time;
    if (f.size() != table.header.size() || !parse_integer(f[hadm_col], hadm) ||
        !(time = parse_mimic_timestamp(f[time_col]))) {
      bad_row(report, "admissions.bad_rows", table.reader,
              f.size() != table.header.size() ? field_count_problem(f.size(), table.header.size())
                                              : "bad HADM_ID or ADMITTIME");
      continue;
    }
    if (time->two_digit_year) report.count("admissions.two_digit_year_dates");
    if (!times.emplace(hadm, time->key).second) {
      bad_row(report, "admissions.duplicate_admission_ids", table.reader, "HADM_ID seen before");
    }
  }
  return times;
}

std::unordered_map<std::string, CodeTitles> read_icd_titles(const std::string& path, MimicVersion version,
                                                            PrepareReport& report, const std::string& stage) {
  CsvTable table(path);
  const bool mimic3 = version == MimicVersion::kMimic3;
  const int code_col = table.header.require(mimic3 ? "ICD9_CODE" : "icd_code");
  const int version_col = mimic3 ? -1 : table.header.require("icd_version");
  const int short_col = mimic3 ? table.header.require("SHORT_TITLE") : -1;
  const int long_col = table.header.require("LONG_TITLE");
  std::unordered_map<std::string, CodeTitles> titles;
  std::vector<std::string> f;
  while (table.reader.next(f)) {
    report.count(stage + ".rows_read");
    if (f.size() != table.header.size() || trim(f[code_col]).empty()) {
      bad_row(report, stage + ".bad_rows", table.reader, "wrong field count or empty code");
      continue;
    }
    const std::string key = icd_code_key(checked_code(f[code_col], table.reader), version_col >= 0 ? trim(f[version_col]) : "", version);
    titles[key] = {short_col >= 0 ? f[short_col] : std::string(), f[long_col]};
  }
  return titles;
}

}  // namespace nlammr
