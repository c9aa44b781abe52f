// nlammr baselines: evaluates the previous-visit and code-frequency
// baselines on a cohort's test split (10 bootstrap rounds of 80% of the test
// patients), the numbers a learned model must beat.
#include <cstdio>
#include <stdexcept>
#include <string>

#include "data/cohort/cohort.h"
#include "io/atomic_file.h"
#include "models/nlammr/evaluation/baselines.h"
#include "models/nlammr/evaluation/bootstrap.h"
#include "tools/nlammr/commands.h"
#include "tools/nlammr/option_checks.h"

namespace nlammr::cli {

namespace {

struct BaselinesArgs {
  std::string cohort;
  std::string averaging = "visit";
  uint32_t seed = 0;
  size_t rounds = 10;
  double fraction = 0.8;
  std::string json_out;
  bool lenient = false;
};

void run_baselines(const BaselinesArgs& args) {
  CohortReadOptions read_options;
  read_options.strict = !args.lenient;
  const Cohort cohort = read_cohort(args.cohort, read_options);
  const CohortSplit split = reference_split(cohort.patients.size());
  const EvaluationOptions evaluation = parse_averaging(args.averaging);
  BootstrapOptions bootstrap;
  bootstrap.seed = args.seed;
  bootstrap.rounds = args.rounds;
  bootstrap.fraction = args.fraction;

  std::printf("cohort %s: %zu patients, %zu visits, %zu medication classes\n", args.cohort.c_str(),
              cohort.patients.size(), cohort.visit_count(), cohort.medications.size());
  std::printf("split: %zu train / %zu test / %zu validation patients; test: %zu rounds x %zu patients "
              "(seed %u), averaging %s, threshold %.2f\n",
              split.train.size(), split.test.size(), split.validation.size(), bootstrap.rounds,
              bootstrap_sample_size(split.test.size(), bootstrap.fraction), bootstrap.seed,
              describe_averaging(evaluation).c_str(), evaluation.threshold);

  nlohmann::json report;
  report["cohort"] = args.cohort;
  report["averaging"] = describe_averaging(evaluation);
  report["bootstrap"] = {{"rounds", bootstrap.rounds}, {"fraction", bootstrap.fraction}, {"seed", bootstrap.seed}};

  PreviousVisitBaseline previous(cohort, split.train);
  const BootstrapResult previous_result =
      bootstrap_evaluate(predict_patients(previous, cohort, split.test), cohort.ddi, evaluation, bootstrap);
  std::printf("previous visit      %s\n", format_bootstrap(previous_result).c_str());
  report["previous_visit"] = bootstrap_json(previous_result);

  CodeFrequencyBaseline frequency(cohort, split.train);
  const double validation_jaccard = frequency.tune(cohort, split.validation);
  const BootstrapResult frequency_result =
      bootstrap_evaluate(predict_patients(frequency, cohort, split.test), cohort.ddi, evaluation, bootstrap);
  std::printf("code frequency      %s\n", format_bootstrap(frequency_result).c_str());
  std::printf("  (chosen on validation: pooling %s, threshold %.2f, validation Jaccard %.4f)\n",
              pooling_name(frequency.pooling()), frequency.threshold(), validation_jaccard);
  report["code_frequency"] = bootstrap_json(frequency_result);
  report["code_frequency"]["pooling"] = pooling_name(frequency.pooling());
  report["code_frequency"]["threshold"] = frequency.threshold();
  report["code_frequency"]["validation_jaccard"] = validation_jaccard;

  if (!args.json_out.empty()) {
    write_file_atomic(args.json_out, report.dump(1) + "\n");
  }
}

}  // namespace

void add_baselines_command(CLI::App& app) {
  auto args = std::make_shared<BaselinesArgs>();
  auto* cmd = app.add_subcommand("baselines", "Evaluate the previous-visit and code-frequency baselines");
  cmd->add_option("--cohort", args->cohort, "Cohort directory (docs/data.md)")->required();
  cmd->add_option("--averaging", args->averaging, "visit, patient or batch:N (see docs/data.md)")
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "Bootstrap seed (numpy legacy generator)")->capture_default_str();
  cmd->add_option("--rounds", args->rounds, "Bootstrap rounds")->capture_default_str()->check(within(1, 100000));
  cmd->add_option("--fraction", args->fraction, "Share of test patients drawn per round")->capture_default_str()->check(within(1e-6, 1));
  cmd->add_option("--json", args->json_out, "Also write the results as JSON to this file");
  cmd->add_flag("--lenient", args->lenient, "Read the cohort leniently (unknown codes reported, not fatal)");
  cmd->callback([args] { run_baselines(*args); });
}

}  // namespace nlammr::cli
