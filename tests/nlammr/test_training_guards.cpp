// Training stops on a NaN or infinite loss, naming the step, and never writes
// a checkpoint from it; a checkpoint whose metadata is not a training state
// gives nlammr's own message naming the file and the field; configuration
// values outside their limits are refused naming the value and the limit.
#include <doctest/doctest.h>

#include <filesystem>
#include <limits>

#include "io/checkpoint.h"
#include "models/nlammr/training/trainer.h"
#include "tests/nlammr/nlammr_test_support.h"
#include "tests/test_support.h"

using namespace nlammr;
using nlammr::testing::ScratchDir;

namespace {

TrainConfig one_epoch() {
  TrainConfig t;
  t.epochs = 1;
  t.batch_size = 4;
  return t;
}

// Vectors of the hashing encoder, with a NaN in every text's first element.
EncodeTextsFn poisoned_encoder() {
  return [](const std::vector<std::string>& texts) {
    std::vector<float> values = testing::hashing_encoder()(texts).to_vector<float>();
    for (size_t i = 0; i < values.size(); i += 16) values[i] = std::numeric_limits<float>::quiet_NaN();
    return Tensor::from_vector(values, {static_cast<int64_t>(texts.size()), 16});
  };
}

std::string error_of_run(Trainer& trainer, const TrainOptions& options) {
  try {
    trainer.run(options);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a NaN loss stops training at its step and writes no checkpoint") {
  ScratchDir dir("nan_loss");
  NlammrData data(testing::tiny_training_cohort(), poisoned_encoder(), "concat", Device::cpu());
  Trainer trainer(data, nlammr::testing::small_test_model(), one_epoch());
  TrainOptions options;
  options.run_dir = dir.path();
  options.checkpoint_every = 1;
  const std::string error = error_of_run(trainer, options);
  CHECK(error.find("training diverged: the loss is") != std::string::npos);
  CHECK(error.find("at epoch 1, step 1 of") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.file("last.safetensors")));
  CHECK_FALSE(std::filesystem::exists(dir.file("best.safetensors")));
}

TEST_CASE("resuming from a checkpoint without a training state names the file and the field") {
  ScratchDir dir("resume_meta");
  NlammrData data(testing::tiny_training_cohort(), testing::hashing_encoder(), "concat", Device::cpu());
  Trainer trainer(data, nlammr::testing::small_test_model(), one_epoch());
  TrainOptions options;
  options.run_dir = dir.path();
  trainer.run(options);
  // best.safetensors has no 'state': it cannot stand in for last.safetensors.
  std::filesystem::copy_file(dir.file("best.safetensors"), dir.file("last.safetensors"),
                             std::filesystem::copy_options::overwrite_existing);
  Trainer again(data, nlammr::testing::small_test_model(), one_epoch(), {});
  options.resume = true;
  std::string error = error_of_run(again, options);
  CHECK(error.find(dir.file("last.safetensors") + ": not a training checkpoint") == 0);
  CHECK(error.find("json.exception") == std::string::npos);

  // A model configuration edited apart from the checkpoint is named.
  NlammrConfig wider = nlammr::testing::small_test_model();
  wider.latent_dim = 32;
  Trainer other(data, wider, one_epoch(), {});
  Trainer first(data, nlammr::testing::small_test_model(), one_epoch(), {});
  ScratchDir dir2("resume_config");
  options.run_dir = dir2.path();
  options.resume = false;
  first.run(options);
  options.resume = true;
  error = error_of_run(other, options);
  CHECK(error.find("model_config.latent_dim differs") != std::string::npos);
}

TEST_CASE("model and training configurations outside their limits name the value and the limit") {
  NlammrConfig m = nlammr::testing::small_test_model();
  m.latent_dim = 1000000000000;
  CHECK_THROWS_WITH_AS(m.validate(), "model config: latent_dim is 1e+12, outside [1, 65536]", std::runtime_error);
  m = nlammr::testing::small_test_model();
  m.contrastive_temperature = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH_AS(m.validate(), doctest::Contains("contrastive_temperature is nan"), std::runtime_error);
  TrainConfig t = one_epoch();
  t.lr = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH_AS(t.validate(), "training config: lr is inf, outside [1e-12, 10]", std::runtime_error);
  t = one_epoch();
  t.epochs = 0;
  CHECK_THROWS_WITH_AS(t.validate(), doctest::Contains("epochs is 0, outside [1, 1e+06]"), std::runtime_error);
}
