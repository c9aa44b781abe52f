#include "tools/nlammr/evaluate_run.h"

#include <cstdio>
#include <filesystem>

#include "dist/communicator.h"
#include "io/atomic_file.h"
#include "models/nlammr/evaluation/baselines.h"
#include "models/nlammr/evaluation/cohort_summary.h"
#include "models/nlammr/evaluation/threshold.h"
#include "models/nlammr/training/trainer.h"

namespace nlammr::cli {

RunEvaluation evaluate_loaded_run(const LoadedRun& run, const EvalRequest& req, dist::Communicator& comm) {
  if (req.split != "test" && req.split != "validation")
    throw std::runtime_error("--split must be 'test' or 'validation', not '" + req.split + "'");
  const NlammrData& data = run.data();
  RunEvaluation out;
  const std::vector<size_t>& patients = req.split == "test" ? data.split.test : data.split.validation;
  out.patients = patients;
  const EvaluationOptions evaluation = out.evaluation = parse_averaging(req.averaging);
  std::vector<EvaluationRow>& rows = out.rows;
  out.model_predictions = predict_patients(*run.model, data, patients, 64, comm);
  rows.push_back({"NLA-MMR (nlammr)", bootstrap_evaluate(out.model_predictions, data.cohort.ddi, evaluation, req.bootstrap)});
  if (req.tune_threshold) {
    // Chosen on the validation patients only, then applied to this split.
    out.tuned_threshold = choose_threshold(predict_patients(*run.model, data, data.split.validation, 64, comm),
                                           data.cohort.ddi, evaluation);
    EvaluationOptions tuned = evaluation;
    tuned.threshold = out.tuned_threshold;
    char name[64];
    std::snprintf(name, sizeof name, "NLA-MMR @ %.2f (val)", out.tuned_threshold);
    rows.push_back({name, bootstrap_evaluate(out.model_predictions, data.cohort.ddi, tuned, req.bootstrap)});
  }
  if (req.baselines) {
    PreviousVisitBaseline previous(data.cohort, data.split.train);
    rows.push_back({"previous visit", bootstrap_evaluate(predict_patients(previous, data.cohort, patients),
                                                         data.cohort.ddi, evaluation, req.bootstrap)});
    CodeFrequencyBaseline frequency(data.cohort, data.split.train);
    frequency.tune(data.cohort, data.split.validation);
    rows.push_back({"code frequency", bootstrap_evaluate(predict_patients(frequency, data.cohort, patients),
                                                         data.cohort.ddi, evaluation, req.bootstrap)});
  }
  return out;
}

nlohmann::json evaluate_run(const EvalRequest& req) {
  if (req.split != "test" && req.split != "validation")
    throw std::runtime_error("--split must be 'test' or 'validation', not '" + req.split + "'");
  // Under mpirun each rank scores its share of the patients' visits; rank 0
  // gathers them, prints and writes.
  dist::Communicator& comm = dist::world();
  LoadedRun run = load_run(req.run_dir, req.checkpoint, req.encoder, comm);
  const RunEvaluation evaluated = evaluate_loaded_run(run, req, comm);
  const std::vector<size_t>& patients = evaluated.patients;
  const EvaluationOptions& evaluation = evaluated.evaluation;
  const std::vector<EvaluationRow>& rows = evaluated.rows;

  if (!comm.is_root()) return {};
  const CohortSummary cohort_summary = summarize_cohort(run.data().cohort, patients);
  std::printf("%s\n", cohort_summary.describe().c_str());
  std::printf("%s split: %zu patients; %zu rounds x %.0f%% of patients (seed %u), averaging %s, threshold %.2f\n",
              req.split.c_str(), patients.size(), req.bootstrap.rounds, req.bootstrap.fraction * 100,
              req.bootstrap.seed, describe_averaging(evaluation).c_str(), evaluation.threshold);
  std::printf("checkpoint: %s (epoch %s)\n", req.checkpoint.c_str(),
              run.checkpoint_meta.contains("epoch") ? run.checkpoint_meta["epoch"].dump().c_str() : "?");
  for (const EvaluationRow& row : rows) std::printf("%-22s %s\n", row.name.c_str(), format_bootstrap(row.result).c_str());

  nlohmann::json out = {{"split", req.split},
                        {"checkpoint", req.checkpoint},
                        {"checkpoint_meta", run.checkpoint_meta},
                        {"averaging", describe_averaging(evaluation)},
                        {"rounds", req.bootstrap.rounds},
                        {"fraction", req.bootstrap.fraction},
                        {"seed", req.bootstrap.seed},
                        {"patients", patients.size()},
                        {"cohort", cohort_summary.to_json()}};
  if (req.tune_threshold) out["validation_threshold"] = evaluated.tuned_threshold;
  for (const EvaluationRow& row : rows) out["results"][row.name] = bootstrap_json(row.result);
  const std::string path = (std::filesystem::path(req.run_dir) / ("eval_" + req.split + ".json")).string();
  write_file_atomic(path, out.dump(2) + "\n");
  std::printf("written to %s\n", path.c_str());
  return out;
}

}  // namespace nlammr::cli
