// The TensorBoard files a training run writes: every step's scalars once,
// the validation metrics per epoch equal to metrics.jsonl, and a run resumed
// from an older checkpoint (as after a crash) adding no step twice.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "io/tensorboard_events.h"
#include "models/nlammr/training/trainer.h"
#include "tests/nlammr/nlammr_test_support.h"
#include "tests/test_support.h"

using namespace nlammr;
using nlammr::testing::ScratchDir;

namespace {

// tag -> step -> every value written for it, over all files of the run.
std::map<std::string, std::map<int64_t, std::vector<float>>> scalars_of(const std::string& run_dir) {
  std::map<std::string, std::map<int64_t, std::vector<float>>> out;
  for (const std::string& f : tensorboard_event_files(run_dir + "/tensorboard"))
    for (const ScalarEvent& e : read_scalar_events(f)) out[e.tag][e.step].push_back(e.value);
  return out;
}

void train(const NlammrData& data, const std::string& dir, bool resume, int64_t stop_after) {
  Trainer trainer(data, nlammr::testing::small_test_model(), nlammr::testing::short_test_training());
  TrainOptions options;
  options.run_dir = dir;
  options.resume = resume;
  options.stop_after_steps = stop_after;
  trainer.run(options);
}

}  // namespace

TEST_CASE("training logs each step and each epoch to TensorBoard") {
  NlammrData data(nlammr::testing::tiny_training_cohort(), nlammr::testing::hashing_encoder(), "concat", Device::cpu());
  ScratchDir dir("tensorboard_train");
  train(data, dir.path(), false, 0);
  auto scalars = scalars_of(dir.path());
  // 16 training patients, 40 visits, batches of 4: 10 steps an epoch.
  for (const char* tag : {"train/loss", "train/bce", "train/margin", "train/contrastive", "train/ddi",
                          "train/learning_rate", "train/grad_norm", "train/steps_per_second"}) {
    INFO(tag);
    REQUIRE(scalars[tag].size() == 20);
    CHECK(scalars[tag].begin()->first == 1);
    CHECK(scalars[tag].rbegin()->first == 20);
    for (const auto& [step, values] : scalars[tag]) CHECK(values.size() == 1);
  }
  CHECK(scalars["train/learning_rate"][7][0] == static_cast<float>(5e-3));
  CHECK(scalars["train/grad_norm"][1][0] > 0.0f);
  CHECK(scalars["train/steps_per_second"][1][0] > 0.0f);

  // The per-epoch validation values are the ones metrics.jsonl holds.
  std::ifstream metrics(dir.file("metrics.jsonl"));
  int epochs = 0;
  for (std::string line; std::getline(metrics, line); ++epochs) {
    const nlohmann::json j = nlohmann::json::parse(line);
    const int64_t step = j.at("epoch").get<int64_t>() * 10;
    for (const char* key : {"jaccard", "f1", "prauc", "ddi_rate", "avg_meds"}) {
      INFO(key);
      REQUIRE(scalars[std::string("validation/") + key].count(step) == 1);
      CHECK(scalars[std::string("validation/") + key][step][0] == static_cast<float>(j["validation"][key].get<double>()));
    }
  }
  CHECK(epochs == 2);
}

TEST_CASE("a run resumed from an older checkpoint writes no step twice") {
  NlammrData data(nlammr::testing::tiny_training_cohort(), nlammr::testing::hashing_encoder(), "concat", Device::cpu());
  ScratchDir full("tensorboard_full"), cut("tensorboard_cut");
  train(data, full.path(), false, 0);

  // Steps 1-3, checkpoint; steps 4-8, checkpoint; then the process "dies" and
  // the checkpoint of step 3 is what is left: the resumed run recomputes
  // steps 4-8, which are in the folder already.
  train(data, cut.path(), false, 3);
  std::filesystem::copy_file(cut.file("last.safetensors"), cut.file("at_step_3.safetensors"));
  train(data, cut.path(), true, 5);
  std::filesystem::copy_file(cut.file("at_step_3.safetensors"), cut.file("last.safetensors"),
                             std::filesystem::copy_options::overwrite_existing);
  train(data, cut.path(), true, 0);
  CHECK(tensorboard_event_files(cut.path() + "/tensorboard").size() == 3);

  auto a = scalars_of(full.path()), b = scalars_of(cut.path());
  for (const char* tag : {"train/loss", "train/contrastive", "train/grad_norm", "validation/jaccard"}) {
    INFO(tag);
    REQUIRE(b[tag].size() == a[tag].size());
    for (const auto& entry : b[tag]) {
      // Named references: doctest's INFO captures them, which C++17 forbids for structured bindings.
      const auto& step = entry.first;
      const auto& values = entry.second;
      INFO("step " << step);
      CHECK(values.size() == 1);
      // Exact resume: the same bits as the uninterrupted run.
      CHECK(values == a[tag][step]);
    }
  }
}

TEST_CASE("a fresh run replaces event files left without a checkpoint") {
  NlammrData data(nlammr::testing::tiny_training_cohort(), nlammr::testing::hashing_encoder(), "concat", Device::cpu());
  ScratchDir dir("tensorboard_fresh");
  {
    // An attempt that died before its first checkpoint: events, nothing else.
    TensorBoardWriter stale(dir.path() + "/tensorboard");
    stale.add_scalar("train/loss", 1, 99.0);
  }
  train(data, dir.path(), false, 0);
  auto scalars = scalars_of(dir.path());
  REQUIRE(scalars["train/loss"].size() == 20);
  CHECK(scalars["train/loss"][1].size() == 1);
  CHECK(scalars["train/loss"][1][0] != 99.0f);
  CHECK(tensorboard_event_files(dir.path() + "/tensorboard").size() == 1);
}
