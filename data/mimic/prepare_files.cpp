// Resolving every input of the preparation before reading starts, so that a
// missing file fails in a second, not after an hour of reading.
#include <filesystem>
#include <stdexcept>

#include "data/mimic/prepare_steps.h"
#include "io/text_table.h"

namespace nlammr::prepare {

namespace {

namespace fs = std::filesystem;

// A mapping file of the SafeDrug preprocessing and where its README says it
// comes from.
struct MappingFile {
  const char* standard_name;
  const char* option;
  const char* what;
  const char* source;
  const char* skip_flag;  // nullptr when the file cannot be skipped
};

const MappingFile kNdcRxcui = {"ndc2RXCUI.txt", "--ndc-rxcui", "NDC -> RxCUI mapping",
                               "SafeDrug's data/input/ndc2RXCUI.txt (GAMENet's ndc2rxnorm_mapping.txt)", nullptr};
const MappingFile kRxcuiAtc = {"RXCUI2atc4.csv", "--rxcui-atc", "RxCUI -> ATC level 4 mapping",
                               "SafeDrug's data/input/RXCUI2atc4.csv, which its README says is GAMENet's "
                               "ndc2atc_level4.csv",
                               nullptr};
const MappingFile kDrugAtc = {"drug-atc.csv", "--drug-atc", "PubChem CID -> ATC mapping",
                              "SafeDrug's data/input/drug-atc.csv (from GAMENet)", "--skip-ddi"};
const MappingFile kDrugbank = {"drugbank_drugs_info.csv", "--drugbank", "DrugBank drug table (name -> SMILES)",
                               "the drugbank_drugs_info.csv download linked from SafeDrug's README", "--skip-smiles"};
const MappingFile kTwosides = {"drug-DDI.csv", "--ddi", "TWOSIDES drug-drug interactions",
                               "the drug-DDI.csv download linked from SafeDrug's README", "--skip-ddi"};

std::string resolve(const MappingFile& file, const std::string& given, const std::string& mimic_dir) {
  const std::string path = given.empty() ? (fs::path(mimic_dir) / file.standard_name).string() : given;
  if (file_exists(path)) return path;
  const std::string how = given.empty()
                              ? std::string("not given with ") + file.option + ", so looked in --mimic's directory"
                              : std::string("given with ") + file.option;
  std::string message = path + ": " + file.what + " not found (" + how + "). It is " + file.source + ". Pass " +
                        file.option + " FILE";
  if (file.skip_flag != nullptr) message += std::string(", or run with ") + file.skip_flag;
  throw std::runtime_error(message + ".");
}

}  // namespace

InputFiles resolve_input_files(const PrepareOptions& options) {
  if (!fs::is_directory(options.mimic_dir)) {
    throw std::runtime_error(options.mimic_dir + ": MIMIC directory not found (--mimic)");
  }
  InputFiles files;
  files.prescriptions = require_mimic_table(options.mimic_dir, "prescriptions");
  files.diagnoses = require_mimic_table(options.mimic_dir, "diagnoses_icd");
  files.procedures = require_mimic_table(options.mimic_dir, "procedures_icd");
  files.diagnosis_titles = require_mimic_table(options.mimic_dir, "d_icd_diagnoses");
  files.procedure_titles = require_mimic_table(options.mimic_dir, "d_icd_procedures");
  if (options.visit_order == VisitOrder::kAdmitTime) {
    files.admissions = require_mimic_table(options.mimic_dir, "admissions");
  }
  files.ndc_rxcui = resolve(kNdcRxcui, options.ndc_rxcui_file, options.mimic_dir);
  files.rxcui_atc = resolve(kRxcuiAtc, options.rxcui_atc_file, options.mimic_dir);
  if (!options.skip_smiles) files.drugbank = resolve(kDrugbank, options.drugbank_file, options.mimic_dir);
  if (!options.skip_ddi) {
    files.drug_atc = resolve(kDrugAtc, options.drug_atc_file, options.mimic_dir);
    files.ddi = resolve(kTwosides, options.ddi_file, options.mimic_dir);
  }
  return files;
}

}  // namespace nlammr::prepare
