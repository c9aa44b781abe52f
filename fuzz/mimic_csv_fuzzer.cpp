// Raw MIMIC tables (data/mimic/tables.cpp over io/csv_reader.cpp): RFC 4180
// quoting, line breaks inside fields, byte-order marks, ragged rows, missing
// columns, unparsable ids and dates, control characters in codes. Built twice:
// fuzz_mimic_csv reads the input as NAME.csv, fuzz_mimic_csv_gzip as
// NAME.csv.gz (so the fuzzer mutates the compressed stream: truncation,
// damaged blocks, a wrong trailer, concatenated members).
//
// The first byte picks the table and the MIMIC version, the rest is the file.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "data/mimic/tables.h"
#include "fuzz/fuzz_support.h"
#include "io/csv_reader.h"

#ifdef NLAMMR_FUZZ_GZIP
static const char* const kExtension = ".csv.gz";
#else
static const char* const kExtension = ".csv";
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t selector = data[0];
  const nlammr::MimicVersion version = (selector & 0x80) ? nlammr::MimicVersion::kMimic4 : nlammr::MimicVersion::kMimic3;
  const int table = (selector & 0x7f) % 7;
  const char* const names[] = {"PRESCRIPTIONS", "PRESCRIPTIONS", "DIAGNOSES_ICD", "PROCEDURES_ICD",
                               "ADMISSIONS",    "D_ICD_DIAGNOSES", "RAW"};
  const std::string name = std::string(names[table]) + kExtension;
  const std::string path = nlammr::fuzz::write_scratch_file(name, data + 1, size - 1);
  try {
    nlammr::PrepareReport report;
    nlammr::StringPool pool_a, pool_b;
    switch (table) {
      case 0:
      case 1: {
        const auto missing = table == 0 ? nlammr::MissingValues::kFromPreviousRow : nlammr::MissingValues::kDrop;
        for (const nlammr::PrescriptionRow& row : nlammr::read_prescriptions(path, version, missing, pool_a, pool_b, report))
          if (row.drug >= pool_a.size() || row.ndc >= pool_b.size()) __builtin_trap();
        break;
      }
      case 2:
        for (const nlammr::CodeRow& row : nlammr::read_diagnoses(path, version, pool_a, report))
          if (row.code >= pool_a.size()) __builtin_trap();
        break;
      case 3:
        for (const nlammr::CodeRow& row : nlammr::read_procedures(path, version, pool_a, report))
          if (row.code >= pool_a.size()) __builtin_trap();
        break;
      case 4:
        nlammr::read_admission_times(path, report);
        break;
      case 5:
        nlammr::read_icd_titles(path, version, report, "diagnoses");
        break;
      default: {
        // The plain reader: every record, each with its line number.
        nlammr::CsvReader reader(path);
        std::vector<std::string> fields;
        size_t last_line = 0;
        while (reader.next(fields)) {
          if (reader.record_line() <= last_line) __builtin_trap();  // lines only go forward
          last_line = reader.record_line();
        }
      }
    }
    report.summary();
  } catch (const std::runtime_error& e) {
    nlammr::fuzz::require_names_input(e, name);
  }
  return 0;
}
