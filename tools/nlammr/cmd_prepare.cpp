// nlammr prepare mimic3|mimic4: builds a cohort directory from the raw MIMIC
// tables and the SafeDrug mapping files (docs/data.md describes every step).
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

#include "data/mimic/prepare.h"
#include "tools/nlammr/commands.h"
#include "tools/nlammr/option_checks.h"

namespace nlammr::cli {

namespace {

struct PrepareArgs {
  std::string source;
  PrepareOptions options;
  std::string side_effects = "least";
  std::string visit_order = "admittime";
  std::string missing_values = "previous-row";
};

void run_prepare(PrepareArgs& args) {
  PrepareOptions& o = args.options;
  o.version = args.source == "mimic4" ? MimicVersion::kMimic4 : MimicVersion::kMimic3;
  o.ddi_selection.which =
      args.side_effects == "most" ? SideEffectSelection::kMostFrequent : SideEffectSelection::kLeastFrequent;
  o.visit_order = args.visit_order == "hadm_id" ? VisitOrder::kAdmissionId : VisitOrder::kAdmitTime;
  o.missing_values = args.missing_values == "drop" ? MissingValues::kDrop : MissingValues::kFromPreviousRow;
  o.progress = [](const std::string& line) { std::fprintf(stderr, "prepare: %s\n", line.c_str()); };
  const PrepareResult result = prepare_mimic(o);
  std::printf("%s", result.summary.c_str());
  std::printf("cohort written to %s (report: %s/prepare_report.json)\n", o.out_dir.c_str(), o.out_dir.c_str());
}

}  // namespace

void add_prepare_command(CLI::App& app) {
  auto args = std::make_shared<PrepareArgs>();
  PrepareOptions& o = args->options;
  auto* cmd = app.add_subcommand("prepare", "Build a cohort directory from raw MIMIC-III or MIMIC-IV tables");
  cmd->add_option("source", args->source, "mimic3 or mimic4")
      ->required()
      ->check(CLI::IsMember({"mimic3", "mimic4"}));
  cmd->add_option("--mimic", o.mimic_dir, "Directory of the MIMIC CSV tables (.csv or .csv.gz; MIMIC-IV: hosp/)")
      ->required();
  cmd->add_option("--out", o.out_dir, "Cohort directory to write")->required();
  cmd->add_option("--ndc-rxcui", o.ndc_rxcui_file, "ndc2RXCUI.txt (default: in --mimic)");
  cmd->add_option("--rxcui-atc", o.rxcui_atc_file, "RXCUI2atc4.csv (default: in --mimic)");
  cmd->add_option("--drug-atc", o.drug_atc_file, "drug-atc.csv, PubChem CID -> ATC (default: in --mimic)");
  cmd->add_option("--drugbank", o.drugbank_file, "drugbank_drugs_info.csv (default: in --mimic)");
  cmd->add_option("--ddi", o.ddi_file, "TWOSIDES drug-DDI.csv (default: in --mimic)");
  cmd->add_option("--top-diagnoses", o.top_diagnoses, "Most frequent diagnosis codes kept")->capture_default_str()->check(within(1, 1000000));
  cmd->add_option("--top-procedures", o.top_procedures, "Most frequent procedure codes kept (0: all)")
      ->capture_default_str()
      ->check(within(0, 1000000));
  cmd->add_option("--top-meds", o.top_medications, "Most frequent ATC3 classes kept")->capture_default_str()->check(within(1, 1000000));
  cmd->add_option("--min-visits", o.min_visits, "Patients with fewer visits are dropped")->capture_default_str()->check(within(1, 10000));
  cmd->add_option("--smiles-per-class", o.smiles_per_class, "SMILES kept per ATC3 class")->capture_default_str()->check(within(1, 10000));
  cmd->add_option("--ddi-top-k", o.ddi_selection.top_k, "TWOSIDES side effects kept")->capture_default_str()->check(within(0, 1000000));
  cmd->add_option("--ddi-side-effects", args->side_effects,
                  "least: the K least frequent side effects (what the reference code selects); most: the K most")
      ->check(CLI::IsMember({"least", "most"}))
      ->capture_default_str();
  cmd->add_option("--visit-order", args->visit_order,
                  "admittime: by ADMITTIME; hadm_id: by admission id, as the reference leaves them")
      ->check(CLI::IsMember({"admittime", "hadm_id"}))
      ->capture_default_str();
  cmd->add_option("--missing-values", args->missing_values,
                  "Empty prescription fields: previous-row (the reference's pad fill) or drop")
      ->check(CLI::IsMember({"previous-row", "drop"}))
      ->capture_default_str();
  cmd->add_flag("--skip-smiles", o.skip_smiles, "No DrugBank table: write no SMILES (with a warning)");
  cmd->add_flag("--skip-ddi", o.skip_ddi, "No TWOSIDES table: write no DDI pairs (with a warning)");
  cmd->callback([args] { run_prepare(*args); });
}

}  // namespace nlammr::cli
