// Evaluation of a trained run on a split, as the eval and quickstart
// commands perform it: the reference protocol (bootstrap rounds over
// patients) next to the two baselines on the same split and rounds.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "dist/communicator.h"
#include "models/nlammr/evaluation/bootstrap.h"
#include "tools/nlammr/run_support.h"

namespace nlammr::cli {

struct EvalRequest {
  std::string run_dir, split = "test", checkpoint = "best", averaging = "visit";
  BootstrapOptions bootstrap;
  bool baselines = true;
  bool tune_threshold = false;  // also a row at the threshold chosen on validation
  EncoderArgs encoder;
};

struct EvaluationRow {
  std::string name;
  BootstrapResult result;
};

// The protocol's numbers without printing: the model's row, then (with
// request.baselines) the previous-visit and code-frequency rows, and the
// model's predictions they came from (the report analyses them further).
struct RunEvaluation {
  std::vector<size_t> patients;
  EvaluationOptions evaluation;
  std::vector<EvaluationRow> rows;
  std::vector<PatientPredictions> model_predictions;
  double tuned_threshold = 0;  // with request.tune_threshold: chosen on validation
};
// With a communicator of several ranks, each scores its share of the
// visits and rank 0 gathers the predictions (see predict_patients).
RunEvaluation evaluate_loaded_run(const LoadedRun& run, const EvalRequest& request,
                                  dist::Communicator& comm = dist::single_process());

// Prints the table; writes RUN_DIR/eval_<split>.json; returns that JSON.
nlohmann::json evaluate_run(const EvalRequest& request);

}  // namespace nlammr::cli
