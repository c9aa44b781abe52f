// Building a cohort directory from the raw MIMIC tables, following the
// preprocessing of SafeDrug (data/processing.py), which MoleRec and NLA-MMR
// reuse. The steps, and where this implementation departs from the reference
// (always deliberately, and switchable where the reference behaviour is
// reproducible), are listed in docs/data.md, "Preparing a cohort from MIMIC".
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "data/mimic/tables.h"
#include "data/mimic/twosides_ddi.h"

namespace nlammr {

enum class VisitOrder {
  kAdmitTime,    // by ADMITTIME from ADMISSIONS (ties by admission id)
  kAdmissionId,  // by HADM_ID, as the reference's groupby leaves them
};

struct PrepareOptions {
  MimicVersion version = MimicVersion::kMimic3;
  std::string mimic_dir;
  std::string out_dir;

  // Mapping files; an empty path means "the standard name in mimic_dir".
  std::string ndc_rxcui_file;  // ndc2RXCUI.txt
  std::string rxcui_atc_file;  // RXCUI2atc4.csv
  std::string drug_atc_file;   // drug-atc.csv
  std::string drugbank_file;   // drugbank_drugs_info.csv
  std::string ddi_file;        // drug-DDI.csv

  size_t top_diagnoses = 2000;   // most frequent diagnosis codes kept
  size_t top_procedures = 0;     // 0 keeps all (the reference)
  size_t top_medications = 300;  // most frequent ATC3 classes kept
  size_t min_visits = 2;         // patients with fewer visits are dropped
  size_t smiles_per_class = 3;
  DdiSelection ddi_selection;
  VisitOrder visit_order = VisitOrder::kAdmitTime;
  MissingValues missing_values = MissingValues::kFromPreviousRow;

  // Without DrugBank / TWOSIDES: no SMILES (and no filtering of classes that
  // have none) / no DDI pairs; each leaves a warning in the report.
  bool skip_smiles = false;
  bool skip_ddi = false;

  // Called with a line at the start of each stage; may be empty.
  std::function<void(const std::string&)> progress;
};

struct PrepareResult {
  nlohmann::ordered_json report;  // what prepare_report.json holds
  std::string summary;            // the counts and warnings, one per line
};

// Runs the whole preparation: writes the cohort directory and its
// prepare_report.json, and returns the report and a readable summary of it. Throws naming the file for a
// missing table or mapping file (with where to get it), for a malformed file,
// and when no patient survives.
PrepareResult prepare_mimic(const PrepareOptions& options);

}  // namespace nlammr
