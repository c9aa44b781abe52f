#include "data/mimic/prepare.h"

#include <filesystem>

#include "io/atomic_file.h"
#include "data/mimic/prepare_steps.h"

namespace nlammr {

namespace {

nlohmann::ordered_json options_json(const PrepareOptions& o, const prepare::InputFiles& files) {
  nlohmann::ordered_json j;
  j["source"] = o.version == MimicVersion::kMimic3 ? "mimic3" : "mimic4";
  j["mimic_dir"] = o.mimic_dir;
  j["files"] = {{"prescriptions", files.prescriptions},   {"diagnoses", files.diagnoses},
                {"procedures", files.procedures},         {"admissions", files.admissions},
                {"diagnosis_titles", files.diagnosis_titles}, {"procedure_titles", files.procedure_titles},
                {"ndc_rxcui", files.ndc_rxcui},           {"rxcui_atc", files.rxcui_atc},
                {"drug_atc", files.drug_atc},             {"drugbank", files.drugbank},
                {"ddi", files.ddi}};
  j["top_diagnoses"] = o.top_diagnoses;
  j["top_procedures"] = o.top_procedures;
  j["top_medications"] = o.top_medications;
  j["min_visits"] = o.min_visits;
  j["smiles_per_class"] = o.smiles_per_class;
  j["ddi_top_k"] = o.ddi_selection.top_k;
  j["ddi_side_effects"] = o.ddi_selection.which == SideEffectSelection::kLeastFrequent ? "least" : "most";
  j["visit_order"] = o.visit_order == VisitOrder::kAdmitTime ? "admittime" : "hadm_id";
  j["missing_values"] = o.missing_values == MissingValues::kFromPreviousRow ? "previous-row" : "drop";
  j["skip_smiles"] = o.skip_smiles;
  j["skip_ddi"] = o.skip_ddi;
  return j;
}

}  // namespace

PrepareResult prepare_mimic(const PrepareOptions& options) {
  const prepare::InputFiles files = prepare::resolve_input_files(options);
  PrepareReport report;
  auto progress = [&](const std::string& line) {
    if (options.progress) options.progress(line);
  };
  progress("medications from " + files.prescriptions);
  const prepare::MedicationStage medications = prepare::prepare_medications(options, files, report);
  progress("diagnoses from " + files.diagnoses);
  const prepare::CodeStage diagnoses = prepare::prepare_diagnoses(options, files, report);
  progress("procedures from " + files.procedures);
  const prepare::CodeStage procedures = prepare::prepare_procedures(options, files, report);
  progress("combining the tables");
  const Cohort cohort = prepare::build_cohort(options, files, medications, diagnoses, procedures, report);

  nlohmann::ordered_json result;
  result["options"] = options_json(options, files);
  const nlohmann::ordered_json body = report.to_json();
  for (auto it = body.begin(); it != body.end(); ++it) result[it.key()] = it.value();

  nlohmann::json extra;
  extra["source"] = result["options"]["source"];
  extra["prepare_warnings"] = report.warnings().size();
  write_cohort(cohort, options.out_dir, extra);
  write_file_atomic((std::filesystem::path(options.out_dir) / "prepare_report.json").string(),
                           result.dump(1) + "\n");
  return {result, report.summary()};
}

}  // namespace nlammr
