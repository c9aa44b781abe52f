// What the train, eval, recommend, report and quickstart commands share on
// top of models/nlammr/run.h: the encoder flags, a progress bar around
// encoding, printing what reading the cohort reported, the --device flag, and
// a trained run opened through Run.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "data/cohort/cohort.h"
#include "dist/communicator.h"
#include "models/bert/text_encoder.h"
#include "models/nlammr/inputs/nlammr_data.h"
#include "models/nlammr/model/nlammr_model.h"
#include "models/nlammr/run.h"

namespace nlammr::cli {

struct EncoderArgs {
  std::string model_dir;  // "": the default model
  std::string cache_dir;  // "": the default cache
  bool no_cache = false;
  int64_t batch = 32;
  std::optional<bool> normalize;  // unset: as the model's sentence-transformers pipeline says
};

std::string cache_dir_of(const EncoderArgs& args);
std::unique_ptr<TextEncoder> open_encoder(const EncoderArgs& args);

// The encoder as the NLA-MMR code wants it, with a progress bar on stderr
// for texts that are not in the cache yet.
// With several ranks the encoding is spread over them (TextEncoder::Spread),
// rank 0 writes the cache and shows the progress.
EncodeTextsFn encode_with_progress(TextEncoder& encoder, dist::Communicator& comm = dist::single_process());
// Spreads the encoder's work over the ranks of `comm` (nothing with one).
void spread_encoder(TextEncoder& encoder, dist::Communicator& comm);


// Prints what reading a cohort reported (unknown codes, warnings) on stderr.
void print_cohort_report(const CohortReadReport& report);

// A trained run, ready to evaluate or recommend.
struct LoadedRun {
  Run run;
  std::shared_ptr<NlammrModel> model;  // the checkpoint's weights, eval mode
  nlohmann::json checkpoint_meta;
  // Texts -> vectors as this run's model reads them: the cached encoder, or
  // the run's own fine-tuned language model.
  EncodeTextsFn encode;

  const RunInfo& info() const { return run.info(); }
  const NlammrData& data() const { return run.data(); }
};

// `which`: "best" or "last".
// With several ranks (a collective call) the texts are encoded spread over them.
LoadedRun load_run(const std::string& run_dir, const std::string& which, const EncoderArgs& encoder_args,
                   dist::Communicator& comm = dist::single_process());
// --device as given; under a launcher, plain "cuda" becomes the GPU of the
// rank's place on its node.
Device parse_device_for_rank(const std::string& text, dist::Communicator& comm);

Device parse_device_checked(const std::string& text);

}  // namespace nlammr::cli
