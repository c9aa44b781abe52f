// One training run as the train and quickstart commands perform it.
#pragma once

#include <string>

#include "models/nlammr/training/trainer.h"
#include "tools/nlammr/run_support.h"

namespace nlammr::cli {

struct TrainRequest {
  std::string data_dir, out_dir, device = "cpu";
  EncoderArgs encoder;
  NlammrConfig model;
  TrainConfig train;
  bool lenient = false;
  bool resume = false;        // configurations then come from the run's run.json
  int64_t resume_epochs = 0;  // with resume: train up to this many epochs (0: as recorded)
  int64_t checkpoint_every = 0;
};

TrainSummary run_training(const TrainRequest& request);

}  // namespace nlammr::cli
