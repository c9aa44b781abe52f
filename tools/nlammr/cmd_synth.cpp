// nlammr synth: writes the synthetic cohort (data/synthetic/synthetic_cohort.h), the data
// set the project trains and evaluates on without credentialed data, and
// reports what an oracle that knows the latent state reaches on its test split.
#include <cstdio>
#include <memory>
#include <string>

#include "data/synthetic/synthetic_cohort.h"
#include "models/nlammr/evaluation/bootstrap.h"
#include "tools/nlammr/commands.h"
#include "tools/nlammr/option_checks.h"
#include "tools/nlammr/synth_run.h"

namespace nlammr::cli {

namespace {
struct SynthArgs {
  std::string out;
  SyntheticOptions options;
};
}  // namespace

void run_synth(const std::string& out, const SyntheticOptions& options) {
  const SynthArgs args{out, options};
  const SyntheticCohort synthetic = generate_synthetic_cohort(args.options);
  const Cohort& cohort = synthetic.cohort;
  // The oracle scores each test visit with the generator's own probabilities.
  const CohortSplit split = reference_split(cohort.patients.size());
  std::vector<PatientPredictions> oracle;
  for (size_t p : split.test) {
    PatientPredictions visits;
    for (size_t v = 0; v < cohort.patients[p].visits.size(); ++v) {
      visits.push_back({cohort.patients[p].visits[v].medications, synthetic.medication_probabilities[p][v]});
    }
    oracle.push_back(std::move(visits));
  }
  const BootstrapResult result = bootstrap_evaluate(oracle, cohort.ddi);
  nlohmann::json extra;
  extra["source"] = "synthetic";
  extra["seed"] = args.options.seed;
  extra["oracle_test"] = bootstrap_json(result)["mean"];
  write_cohort(cohort, args.out, extra);
  std::printf("synthetic cohort written to %s: %zu patients, %zu visits, %zu diagnosis codes, %zu procedure codes, "
              "%zu medication classes, %zu DDI pairs\n",
              args.out.c_str(), cohort.patients.size(), cohort.visit_count(), cohort.diagnoses.size(),
              cohort.procedures.size(), cohort.medications.size(), cohort.ddi.pairs().size());
  std::printf("oracle on the test split (knows the latent state): %s\n", format_bootstrap(result).c_str());
}

void add_synth_command(CLI::App& app) {
  auto args = std::make_shared<SynthArgs>();
  auto* cmd = app.add_subcommand("synth", "Write the synthetic cohort (no credentialed data needed)");
  cmd->add_option("--out", args->out, "Cohort directory to write")->required();
  cmd->add_option("--patients", args->options.patients, "Number of patients")->capture_default_str()->check(within(1, 10000000));
  cmd->add_option("--seed", args->options.seed, "Random seed (same seed, same cohort)")->capture_default_str();
  cmd->callback([args] { run_synth(args->out, args->options); });
}

}  // namespace nlammr::cli
