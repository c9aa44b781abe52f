// Prescriptions -> ATC3 medication rows, as SafeDrug's med_process,
// process_visit_lg2, codeMapping2atc4, filter_300_most_med and the SMILES
// step do it (docs/data.md lists the steps).
#include <cctype>
#include <set>
#include <unordered_set>

#include "data/mimic/drug_mappings.h"
#include "data/mimic/prepare_steps.h"

namespace nlammr::prepare {

namespace {

bool is_atc3(const std::string& code) {
  return code.size() == 4 && std::isupper(static_cast<unsigned char>(code[0])) &&
         std::isdigit(static_cast<unsigned char>(code[1])) && std::isdigit(static_cast<unsigned char>(code[2])) &&
         std::isupper(static_cast<unsigned char>(code[3]));
}

// Keeps the rows of patients with at least two admissions in the table.
void keep_patients_with_two_admissions(std::vector<PrescriptionRow>& rows, PrepareReport& report) {
  std::unordered_map<int64_t, std::unordered_set<int64_t>> admissions;
  for (const auto& r : rows) admissions[r.subject].insert(r.hadm);
  size_t dropped_patients = 0;
  for (const auto& [subject, hadms] : admissions) dropped_patients += hadms.size() < 2 ? 1 : 0;
  const size_t before = rows.size();
  rows.erase(std::remove_if(rows.begin(), rows.end(), [&](const PrescriptionRow& r) { return admissions[r.subject].size() < 2; }),
             rows.end());
  report.count("prescriptions.patients_with_one_admission_dropped", dropped_patients);
  report.count("prescriptions.rows_of_those_patients_dropped", before - rows.size());
}

std::vector<MedicationRow> map_to_atc3(const std::vector<PrescriptionRow>& rows, const StringPool& ndcs,
                                       const InputFiles& files, MedicationStage& stage, PrepareReport& report) {
  const auto ndc_to_rxcui = read_ndc_to_rxcui(files.ndc_rxcui);
  report.set("mapping.ndc_rxcui_entries", ndc_to_rxcui.size());
  const auto rxcui_to_atc4 = read_rxcui_to_atc4(files.rxcui_atc, report);
  std::set<std::string> ndc_unmapped, rxcui_unmapped;
  std::vector<MedicationRow> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    const std::string& ndc = ndcs.str(r.ndc);
    auto rxcui = ndc_to_rxcui.find(ndc);
    if (rxcui == ndc_to_rxcui.end()) {
      report.count("mapping.rows_ndc_without_rxcui");
      if (ndc_unmapped.insert(ndc).second) report.example("mapping.rows_ndc_without_rxcui", ndc);
      continue;
    }
    int64_t rxcui_number = 0;
    if (rxcui->second.empty() || !parse_integer(rxcui->second, rxcui_number)) {
      report.count("mapping.rows_rxcui_empty_or_not_numeric");
      report.example("mapping.rows_rxcui_empty_or_not_numeric", ndc + " -> '" + rxcui->second + "'");
      continue;
    }
    auto atc4 = rxcui_to_atc4.find(rxcui_number);
    if (atc4 == rxcui_to_atc4.end()) {
      report.count("mapping.rows_rxcui_without_atc4");
      if (rxcui_unmapped.insert(rxcui->second).second) report.example("mapping.rows_rxcui_without_atc4", rxcui->second);
      continue;
    }
    const std::string atc3 = atc4->second.substr(0, 4);
    if (!is_atc3(atc3)) {
      report.count("mapping.rows_malformed_atc");
      report.example("mapping.rows_malformed_atc", atc4->second);
      continue;
    }
    out.push_back({r.subject, r.hadm, r.start, r.drug, stage.classes.id(atc3)});
  }
  report.set("mapping.distinct_ndc_without_rxcui", ndc_unmapped.size());
  report.set("mapping.distinct_rxcui_without_atc4", rxcui_unmapped.size());
  report.count("mapping.rows_mapped", out.size());
  return out;
}

// Drug names of each class in order of first appearance.
void collect_names(MedicationStage& stage) {
  std::unordered_map<uint32_t, std::unordered_set<uint32_t>> seen;
  for (const auto& r : stage.rows) {
    if (seen[r.atc3].insert(r.drug).second) stage.names[r.atc3].push_back(stage.drugs.str(r.drug));
  }
}

// SMILES per class: DrugBank's SMILES of the class's drug names, in the
// order the names first appear, distinct, at most `per_class`. Classes with
// none are dropped, as the reference drops them.
void attach_smiles(const PrepareOptions& options, const InputFiles& files, MedicationStage& stage,
                   PrepareReport& report) {
  const auto drugbank = read_drugbank_smiles(files.drugbank, report);
  std::set<std::string> unmatched_names;
  for (auto& [cls, names] : stage.names) {
    auto& list = stage.smiles[cls];
    for (const auto& name : names) {
      auto found = drugbank.find(name);
      if (found == drugbank.end()) {
        unmatched_names.insert(name);
        continue;
      }
      if (list.size() < options.smiles_per_class &&
          std::find(list.begin(), list.end(), found->second) == list.end()) {
        list.push_back(found->second);
      }
    }
  }
  report.set("smiles.drug_names_not_in_drugbank", unmatched_names.size());
  for (const auto& name : unmatched_names) report.example("smiles.drug_names_not_in_drugbank", name);
  std::unordered_set<uint32_t> without;
  for (const auto& [cls, names] : stage.names) {
    if (stage.smiles[cls].empty()) {
      without.insert(cls);
      report.example("smiles.classes_without_smiles_dropped", stage.classes.str(cls));
    }
  }
  report.set("smiles.classes_without_smiles_dropped", without.size());
  const size_t before = stage.rows.size();
  stage.rows.erase(std::remove_if(stage.rows.begin(), stage.rows.end(),
                                  [&](const MedicationRow& r) { return without.count(r.atc3) > 0; }),
                   stage.rows.end());
  report.count("smiles.rows_of_those_classes_dropped", before - stage.rows.size());
  for (uint32_t cls : without) {
    stage.names.erase(cls);
    stage.smiles.erase(cls);
  }
}

}  // namespace

MedicationStage prepare_medications(const PrepareOptions& options, const InputFiles& files,
                                    PrepareReport& report) {
  MedicationStage stage;
  StringPool ndcs;
  std::vector<PrescriptionRow> rows =
      read_prescriptions(files.prescriptions, options.version, options.missing_values, stage.drugs, ndcs, report);

  // Sort as the reference does, then drop repeats of (patient, admission,
  // start, drug, NDC): its two drop_duplicates calls, before and after
  // removing the ICU stay column, keep exactly these first rows.
  std::stable_sort(rows.begin(), rows.end(), [](const PrescriptionRow& a, const PrescriptionRow& b) {
    return std::tie(a.subject, a.hadm, a.icustay, a.start) < std::tie(b.subject, b.hadm, b.icustay, b.start);
  });
  report.count("prescriptions.duplicate_rows_dropped",
               drop_duplicates(rows, [](const PrescriptionRow& r) {
                 return std::make_tuple(r.subject, r.hadm, r.start, r.drug, r.ndc);
               }));
  keep_patients_with_two_admissions(rows, report);

  stage.rows = map_to_atc3(rows, ndcs, files, stage, report);
  rows.clear();
  rows.shrink_to_fit();
  report.count("mapping.duplicate_rows_dropped", drop_duplicates(stage.rows, [](const MedicationRow& r) {
                 return std::make_tuple(r.subject, r.hadm, r.start, r.drug, r.atc3);
               }));

  const std::vector<bool> kept = most_frequent(
      stage.rows, stage.classes.size(), options.top_medications,
      [&](uint32_t c) -> const std::string& { return stage.classes.str(c); },
      [](const MedicationRow& r) { return r.atc3; });
  std::set<uint32_t> all_classes;
  for (const auto& r : stage.rows) all_classes.insert(r.atc3);
  const size_t before = stage.rows.size();
  stage.rows.erase(std::remove_if(stage.rows.begin(), stage.rows.end(), [&](const MedicationRow& r) { return !kept[r.atc3]; }),
                   stage.rows.end());
  size_t kept_classes = 0;
  for (uint32_t c : all_classes) kept_classes += kept[c] ? 1 : 0;
  report.set("medications.classes_after_mapping", all_classes.size());
  report.set("medications.classes_beyond_top_n_dropped", all_classes.size() - kept_classes);
  report.count("medications.rows_beyond_top_n_dropped", before - stage.rows.size());

  collect_names(stage);
  if (options.skip_smiles) {
    report.warn("--skip-smiles: no DrugBank table, so medications.tsv has no SMILES and classes are not "
                "filtered by having one (the reference drops classes without SMILES)");
  } else {
    attach_smiles(options, files, stage, report);
  }
  report.count("medications.rows_kept", stage.rows.size());
  return stage;
}

}  // namespace nlammr::prepare
