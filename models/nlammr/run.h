// One NLA-MMR run: a run directory, what it is made of, and the code that
// builds it.
//
// `nlammr train` creates a run; `train --resume`, `eval`, `recommend` and
// `report` open it again. Every one of them builds the language model, the
// cohort with its text features and the model through this class, from the
// run's description (run.json, models/nlammr/run_info.h), so a resumed,
// evaluated or served run is built by the same code that trained it. The
// commands in tools/nlammr only turn flags into a RunInfo and print.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "data/cohort/cohort.h"
#include "engine/random.h"
#include "io/checkpoint.h"
#include "models/bert/text_encoder.h"
#include "models/nlammr/inputs/nlammr_data.h"
#include "models/nlammr/model/nlammr_model.h"
#include "models/nlammr/run_info.h"

namespace nlammr {

// A model with the weights of one of the run's checkpoints, in eval mode.
struct TrainedModel {
  std::shared_ptr<NlammrModel> model;
  nlohmann::json checkpoint_meta;  // epoch, validation metrics, configurations
};

class Run {
 public:
  // A new run in `dir`, described by `info` (data folder, device, language
  // model, configurations) and encoding its texts with `encoder`. Nothing is
  // written until training starts (Trainer::run writes run.json).
  static Run create(std::string dir, RunInfo info, std::unique_ptr<TextEncoder> encoder);
  // The run in `dir` as its run.json describes it, with the language model
  // it was trained with (checked against the recorded identity). `cache_dir`
  // serves only run.json files that record no embedding cache.
  static Run open(std::string dir, const std::string& cache_dir = "");

  const std::string& dir() const { return dir_; }
  const RunInfo& info() const { return info_; }
  // Resuming may extend the run (more epochs); nothing else should change.
  RunInfo& info() { return info_; }
  TextEncoder& encoder() { return *encoder_; }

  // Reads the cohort (errors and warnings name its files) and prepares the
  // model's inputs on `device`: the frozen language model's vectors of every
  // text, through `encode` (the encoder itself when empty; the CLI passes a
  // wrapper that shows progress and spreads the work over ranks), or, for a
  // run that fine-tunes the language model, a trainable copy of it. A new
  // run's model configuration is then completed with what the data decides
  // (text width, code vocabulary sizes); an opened run's recorded values are
  // checked against the data instead.
  NlammrData& prepare_data(Device device, const EncodeTextsFn& encode = {});
  NlammrData& data();
  const NlammrData& data() const;
  // What reading the cohort reported (unknown codes, warnings).
  const CohortReadReport& cohort_report() const { return cohort_report_; }

  // The model as training starts it: the configuration of info().model,
  // weights drawn from info().train.seed, `dropout` drawing its masks, on the
  // data's device, with the fine-tuned language model attached when the run
  // trains one.
  std::shared_ptr<NlammrModel> build_model(std::shared_ptr<Generator> dropout) const;
  // Checkpoint `which` ("best" or "last"). Throws when it is missing or was
  // trained with another model configuration than run.json states (cheap:
  // commands check it before encoding any text).
  Checkpoint read_checkpoint(const std::string& which) const;
  // build_model() with the checkpoint's weights, in eval mode.
  TrainedModel load_trained(Checkpoint checkpoint) const;
  TrainedModel load_trained(const std::string& which) const { return load_trained(read_checkpoint(which)); }
  // Texts -> vectors as this run's model reads them: the frozen encoder
  // (cached), or the run's own fine-tuned language model.
  EncodeTextsFn query_encoder();

 private:
  Run(std::string dir, RunInfo info, std::unique_ptr<TextEncoder> encoder, bool recorded);
  std::string run_json() const;
  std::string dir_;
  bool recorded_;  // opened from run.json (its configuration is fixed)
  RunInfo info_;
  std::unique_ptr<TextEncoder> encoder_;
  std::unique_ptr<NlammrData> data_;
  CohortReadReport cohort_report_;
};

// The configuration with what the data decides filled in: the width of the
// text vectors and, with code embeddings, the sizes of the code vocabularies.
NlammrConfig complete_model_config(NlammrConfig config, const NlammrData& data);

// The model of `config` (completed) with weights drawn from `seed`, on the
// data's device and in its texts' dtype; with fine-tuned text features, their
// language model attached. Training and every reload build it here.
std::shared_ptr<NlammrModel> build_model(const NlammrConfig& config, const NlammrData& data, uint64_t seed,
                                         std::shared_ptr<Generator> dropout);

}  // namespace nlammr
