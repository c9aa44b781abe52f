// Diagnosis and procedure rows, as SafeDrug's diag_process and
// procedure_process prepare them.
#include <set>

#include "data/mimic/prepare_steps.h"

namespace nlammr::prepare {

namespace {

// Keeps the rows of the `keep` most frequent codes (0 keeps all).
void keep_top_codes(CodeStage& stage, size_t keep, const std::string& prefix, PrepareReport& report) {
  std::set<uint32_t> all;
  for (const auto& r : stage.rows) all.insert(r.code);
  report.set(prefix + ".codes", all.size());
  if (keep == 0) return;
  const std::vector<bool> kept = most_frequent(
      stage.rows, stage.codes.size(), keep, [&](uint32_t c) -> const std::string& { return stage.codes.str(c); },
      [](const CodeRow& r) { return r.code; });
  size_t dropped_codes = 0;
  for (uint32_t c : all) dropped_codes += kept[c] ? 0 : 1;
  const size_t before = stage.rows.size();
  stage.rows.erase(std::remove_if(stage.rows.begin(), stage.rows.end(), [&](const CodeRow& r) { return !kept[r.code]; }),
                   stage.rows.end());
  report.set(prefix + ".codes_beyond_top_n_dropped", dropped_codes);
  report.count(prefix + ".rows_beyond_top_n_dropped", before - stage.rows.size());
}

bool by_admission(const CodeRow& a, const CodeRow& b) {
  return std::tie(a.subject, a.hadm) < std::tie(b.subject, b.hadm);
}

}  // namespace

CodeStage prepare_diagnoses(const PrepareOptions& options, const InputFiles& files, PrepareReport& report) {
  CodeStage stage;
  stage.rows = read_diagnoses(files.diagnoses, options.version, stage.codes, report);
  // Within an admission the file's order stays (the reference's sort is stable).
  report.count("diagnoses.duplicate_rows_dropped", drop_duplicates(stage.rows, [](const CodeRow& r) {
                 return std::make_tuple(r.subject, r.hadm, r.code);
               }));
  std::stable_sort(stage.rows.begin(), stage.rows.end(), by_admission);
  keep_top_codes(stage, options.top_diagnoses, "diagnoses", report);
  return stage;
}

CodeStage prepare_procedures(const PrepareOptions& options, const InputFiles& files, PrepareReport& report) {
  CodeStage stage;
  stage.rows = read_procedures(files.procedures, options.version, stage.codes, report);
  report.count("procedures.duplicate_rows_dropped", drop_duplicates(stage.rows, [](const CodeRow& r) {
                 return std::make_tuple(r.subject, r.hadm, r.seq, r.code);
               }));
  std::stable_sort(stage.rows.begin(), stage.rows.end(), [](const CodeRow& a, const CodeRow& b) {
    return std::tie(a.subject, a.hadm, a.seq) < std::tie(b.subject, b.hadm, b.seq);
  });
  report.count("procedures.duplicate_codes_in_admission_dropped", drop_duplicates(stage.rows, [](const CodeRow& r) {
                 return std::make_tuple(r.subject, r.hadm, r.code);
               }));
  keep_top_codes(stage, options.top_procedures, "procedures", report);
  return stage;
}

}  // namespace nlammr::prepare
