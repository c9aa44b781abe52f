// Evaluation of a trained run on a split, as the eval and quickstart
// commands perform it: the reference protocol (bootstrap rounds over
// patients) next to the two baselines on the same split and rounds.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

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

// Prints the table; writes RUN_DIR/eval_<split>.json; returns that JSON.
nlohmann::json evaluate_run(const EvalRequest& request);

}  // namespace nlammr::cli
