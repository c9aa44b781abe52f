// Training, checkpoints and exact resume on a tiny cohort.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "io/checkpoint.h"
#include "models/nlammr/training/trainer.h"
#include "tests/data/data_test_helpers.h"
#include "tests/nlammr/nlammr_test_support.h"

using namespace nlammr;
using nlammr::testing::ScratchDir;

namespace {

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The metrics lines without their wall-clock times.
std::vector<nlohmann::json> metrics_without_time(const std::string& path) {
  std::vector<nlohmann::json> out;
  for (const std::string& line : read_lines(path)) {
    nlohmann::json j = nlohmann::json::parse(line);
    j.erase("seconds");
    out.push_back(j);
  }
  return out;
}

}  // namespace

TEST_CASE("training writes metrics, best and last checkpoints") {
  ScratchDir dir("trainer");
  NlammrData data(nlammr::testing::tiny_training_cohort(), nlammr::testing::hashing_encoder(), "concat",
                  Device::cpu());
  Trainer trainer(data, nlammr::testing::small_test_model(), nlammr::testing::short_test_training());
  TrainOptions options;
  options.run_dir = dir.path();
  TrainSummary summary = trainer.run(options);
  CHECK(summary.epochs_run == 2);
  CHECK(summary.best_epoch >= 1);
  CHECK(read_lines(dir.file("metrics.jsonl")).size() == 2);
  CHECK(std::filesystem::exists(dir.file("best.safetensors")));
  CHECK(load_checkpoint(dir.file("last.safetensors")).meta.at("state").at("next_epoch") == 3);
  // A second run into the same directory without --resume is refused.
  Trainer again(data, nlammr::testing::small_test_model(), nlammr::testing::short_test_training());
  CHECK_THROWS_WITH_AS(again.run(options), doctest::Contains("already holds a training run"), std::runtime_error);
}

TEST_CASE("an interrupted run resumes to the same bits as an uninterrupted one") {
  NlammrData data(nlammr::testing::tiny_training_cohort(), nlammr::testing::hashing_encoder(), "concat",
                  Device::cpu());
  ScratchDir full("resume_full"), cut("resume_cut");
  {
    Trainer trainer(data, nlammr::testing::small_test_model(), nlammr::testing::short_test_training());
    TrainOptions options;
    options.run_dir = full.path();
    trainer.run(options);
  }
  {
    Trainer trainer(data, nlammr::testing::small_test_model(), nlammr::testing::short_test_training());
    TrainOptions options;
    options.run_dir = cut.path();
    options.stop_after_steps = 5;  // mid epoch 1: 16 training patients, 40 visits, 10 steps an epoch
    CHECK(trainer.run(options).interrupted);
  }
  {
    Trainer trainer(data, nlammr::testing::small_test_model(), nlammr::testing::short_test_training());
    TrainOptions options;
    options.run_dir = cut.path();
    options.resume = true;
    CHECK_FALSE(trainer.run(options).interrupted);
  }
  Checkpoint a = load_checkpoint(full.file("last.safetensors"));
  Checkpoint b = load_checkpoint(cut.file("last.safetensors"));
  REQUIRE(a.model.size() == b.model.size());
  for (const auto& [name, t] : a.model) {
    const auto& tensor_name = name;  // INFO captures in a lambda; C++17 cannot capture a binding
    INFO(tensor_name);
    CHECK(t.to(DType::Float64).to_vector<double>() == b.model.at(name).to(DType::Float64).to_vector<double>());
  }
  CHECK(metrics_without_time(full.file("metrics.jsonl")) == metrics_without_time(cut.file("metrics.jsonl")));
}

TEST_CASE("a resume over a metrics line without an integer epoch names the file and the line") {
  NlammrData data(nlammr::testing::tiny_training_cohort(), nlammr::testing::hashing_encoder(), "concat",
                  Device::cpu());
  ScratchDir dir("resume_bad_metrics");
  TrainOptions options;
  options.run_dir = dir.path();
  options.stop_after_steps = 12;  // into epoch 2: metrics.jsonl holds epoch 1
  {
    Trainer trainer(data, nlammr::testing::small_test_model(), nlammr::testing::short_test_training());
    CHECK(trainer.run(options).interrupted);
  }
  const std::vector<std::string> lines = read_lines(dir.file("metrics.jsonl"));
  REQUIRE(lines.size() == 1);
  for (const std::string& bad : {std::string("{\"train\": {}}"), std::string("{\"epoch\": \"one\"}"), std::string("[1]")}) {
    INFO(bad);
    std::ofstream(dir.file("metrics.jsonl")) << bad << "\n";
    Trainer trainer(data, nlammr::testing::small_test_model(), nlammr::testing::short_test_training());
    options.resume = true;
    options.stop_after_steps = 0;
    CHECK_THROWS_WITH_AS(trainer.run(options), doctest::Contains("metrics.jsonl:1: a metrics line needs an integer \"epoch\""),
                         std::runtime_error);
  }
}

TEST_CASE("epoch order is a permutation fixed by seed and epoch") {
  std::vector<int64_t> visits(50);
  for (int64_t i = 0; i < 50; ++i) visits[i] = i * 3;
  auto a = epoch_order(visits, 7, 1), b = epoch_order(visits, 7, 1), c = epoch_order(visits, 7, 2);
  CHECK(a == b);
  CHECK(a != c);
  std::sort(a.begin(), a.end());
  CHECK(a == visits);
}
