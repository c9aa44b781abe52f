// A cohort directory (data/cohort/cohort_reader.cpp). One input describes the
// whole directory: its sections, separated by lines "%%", are in turn
// cohort.jsonl, diagnoses.tsv, procedures.tsv, medications.tsv, ddi.tsv,
// medication_names.tsv, stats.json, diagnoses.vocab, procedures.vocab and
// medications.vocab; a file whose section is absent is not written. Read
// strictly and leniently; an accepted cohort must index inside its tables.
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "data/cohort/cohort.h"
#include "fuzz/fuzz_support.h"

namespace {

const char* const kFiles[] = {"cohort.jsonl",         "diagnoses.tsv", "procedures.tsv",  "medications.tsv",
                              "ddi.tsv",              "medication_names.tsv", "stats.json", "diagnoses.vocab",
                              "procedures.vocab",     "medications.vocab"};
constexpr size_t kFileCount = sizeof(kFiles) / sizeof(kFiles[0]);

void check_indices(const std::vector<int>& codes, size_t n) {
  for (int c : codes)
    if (c < 0 || static_cast<size_t>(c) >= n) __builtin_trap();
}

void check(const nlammr::Cohort& cohort) {
  for (const nlammr::Patient& p : cohort.patients) {
    for (const nlammr::Visit& v : p.visits) {
      check_indices(v.diagnoses, cohort.diagnoses.size());
      check_indices(v.procedures, cohort.procedures.size());
      check_indices(v.medications, cohort.medications.size());
    }
  }
  if (cohort.ddi.size() != cohort.medications.size() ||
      cohort.medication_smiles.size() != cohort.medications.size() ||
      cohort.diagnosis_titles.size() != cohort.diagnoses.size() ||
      cohort.procedure_titles.size() != cohort.procedures.size())
    __builtin_trap();
  for (const auto& [a, b] : cohort.ddi.pairs())
    if (a < 0 || b < 0 || static_cast<size_t>(a) >= cohort.ddi.size() || static_cast<size_t>(b) >= cohort.ddi.size())
      __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string dir = nlammr::fuzz::scratch_dir() + "/cohort";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::vector<std::string> sections = nlammr::fuzz::split_sections(data, size, kFileCount);
  for (size_t i = 0; i < sections.size(); ++i)
    nlammr::fuzz::write_scratch_file(std::string("cohort/") + kFiles[i], sections[i]);
  for (bool strict : {true, false}) {
    try {
      nlammr::CohortReadOptions options;
      options.strict = strict;
      nlammr::CohortReadReport report;
      check(nlammr::read_cohort(dir, options, &report));
    } catch (const std::runtime_error& e) {
      nlammr::fuzz::require_names_input(e, "cohort");
    }
  }
  return 0;
}
