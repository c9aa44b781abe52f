// Command-line guards: numeric options checked against their ranges before
// any work, run.json edited apart from its checkpoint, and exact resume with
// an embedding cache whatever flags the resume is given.
#include <doctest/doctest.h>

#include <cstring>
#include <filesystem>

#include "io/atomic_file.h"
#include "data/cohort/cohort.h"
#include "io/safetensors.h"
#include "tests/cli/cli_support.h"
#include "tests/nlammr/nlammr_test_support.h"

using namespace nlammr;
using nlammr::testing::run_nlammr;
using nlammr::testing::ScratchDir;

TEST_CASE("numeric options outside their ranges are refused naming the option, the value and the range") {
  ScratchDir tmp("cli_ranges");
  struct Case {
    const char* args;
    const char* expected;
  };
  const Case cases[] = {
      {"recommend --run nowhere --threshold nan", "--threshold: value nan is not a finite number (allowed: [0, 1])"},
      {"recommend --run nowhere --threshold inf", "--threshold: value inf is not a finite number"},
      {"recommend --run nowhere --threshold -1", "--threshold: value -1 is outside the allowed range [0, 1]"},
      {"recommend --run nowhere --threshold 2", "--threshold: value 2 is outside the allowed range [0, 1]"},
      {"recommend --run nowhere --top -1", "--top: value -1 is outside the allowed range [1, 100000]"},
      {"baselines --cohort nowhere --rounds 0", "--rounds: value 0 is outside the allowed range [1, 100000]"},
      {"baselines --cohort nowhere --fraction nan", "--fraction: value nan is not a finite number"},
      {"eval --run nowhere --bootstrap 0", "--bootstrap: value 0 is outside the allowed range"},
      {"train --data nowhere --out nowhere --latent-dim 1e12", "--latent-dim: value 1e12 is outside the allowed range [1, 65536]"},
      {"train --data nowhere --out nowhere --lr nan", "--lr: value nan is not a finite number"},
      {"train --data nowhere --out nowhere --epochs 0", "--epochs: value 0 is outside the allowed range"},
      {"synth --out nowhere --patients 0", "--patients: value 0 is outside the allowed range"},
      {"encode --input nowhere --output nowhere --batch nan", "--batch: value nan is not a finite number"},
      {"encode --input nowhere --output nowhere --threads 0", "--threads: value 0 is outside the allowed range"},
      {"prepare mimic3 --mimic nowhere --out nowhere --min-visits -3", "--min-visits: value -3 is outside"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.args);
    const auto result = run_nlammr(c.args, tmp);
    CHECK(result.status != 0);
    CHECK(result.output.find(c.expected) != std::string::npos);
    CHECK(result.output.find("nowhere:") == std::string::npos);  // refused before touching any file
  }
}

namespace {

const std::string kSmallRun = " --batch-size 4 --latent-dim 16 --gnn-dim 8 --gnn-layers 2 --threads 1";

}  // namespace

TEST_CASE("resume with an embedding cache reproduces the uninterrupted run bit for bit") {
  namespace fs = std::filesystem;
  ScratchDir tmp("cli_resume_cache");
  const std::string data = tmp.path() + "/cohort";
  write_cohort(testing::tiny_training_cohort(), data);
  const std::string model = " --model " + testing::fixture_path("bert/tiny");
  // The first run encodes into its own cache.
  const std::string first_flags = model + " --cache " + tmp.path() + "/cache";

  const auto whole = run_nlammr("train --data " + data + " --out " + tmp.path() + "/whole --epochs 3" + first_flags +
                                    kSmallRun, tmp);
  INFO(whole.output);
  REQUIRE(whole.status == 0);
  const auto part = run_nlammr("train --data " + data + " --out " + tmp.path() + "/cut --epochs 1" + first_flags +
                                   kSmallRun, tmp);
  INFO(part.output);
  REQUIRE(part.status == 0);
  // The resume names another cache: the recorded one wins.
  const std::string other_cache = tmp.path() + "/other_cache";
  const auto resumed =
      run_nlammr("train --out " + tmp.path() + "/cut --resume --epochs 3" + model + " --cache " + other_cache, tmp);
  INFO(resumed.output);
  REQUIRE(resumed.status == 0);
  CHECK_FALSE(fs::exists(other_cache));
  CHECK(read_file(tmp.path() + "/whole/last.safetensors") == read_file(tmp.path() + "/cut/last.safetensors"));
  // best.safetensors records the --epochs of the run that wrote it; its
  // tensors must match bit for bit.
  const SafeTensorsFile best_whole = SafeTensorsFile::open(tmp.path() + "/whole/best.safetensors");
  const SafeTensorsFile best_cut = SafeTensorsFile::open(tmp.path() + "/cut/best.safetensors");
  REQUIRE(best_whole.names() == best_cut.names());
  for (const std::string& name : best_whole.names()) {
    const TensorEntry& a = best_whole.get(name);
    const TensorEntry& b = best_cut.get(name);
    REQUIRE(a.nbytes == b.nbytes);
    CHECK(std::memcmp(a.data, b.data, a.nbytes) == 0);
  }

  const nlohmann::json run = nlohmann::json::parse(read_file(tmp.path() + "/cut/run.json"));
  CHECK(run.at("plm").at("cache_dir") == fs::absolute(tmp.path() + "/cache").string());
  CHECK(run.at("plm").at("encode_batch") == 32);
}

TEST_CASE("run.json edited apart from its checkpoint is named, field and both values") {
  ScratchDir tmp("cli_run_json_edit");
  const std::string data = tmp.path() + "/cohort", run = tmp.path() + "/run";
  write_cohort(testing::tiny_training_cohort(), data);
  const std::string common = " --model " + testing::fixture_path("bert/tiny") + " --cache " + tmp.path() + "/cache";
  const auto train = run_nlammr("train --data " + data + " --out " + run + " --epochs 1" + common + kSmallRun, tmp);
  INFO(train.output);
  REQUIRE(train.status == 0);
  nlohmann::json info = nlohmann::json::parse(read_file(run + "/run.json"));
  const int64_t text_dim = info["model_config"]["text_dim"];
  info["model_config"]["text_dim"] = text_dim * 2;
  write_file_atomic(run + "/run.json", info.dump(2));
  const auto rec = run_nlammr("recommend --run " + run + " --diagnoses 4019", tmp);
  CHECK(rec.status != 0);
  CHECK(rec.output.find(run + "/run.json: model_config.text_dim is " + std::to_string(text_dim * 2) + " but") !=
        std::string::npos);
  CHECK(rec.output.find("was trained with " + std::to_string(text_dim)) != std::string::npos);

  info["model_config"].erase("text_dim");
  info.erase("plm");
  write_file_atomic(run + "/run.json", info.dump(2));
  const auto broken = run_nlammr("recommend --run " + run + " --diagnoses 4019", tmp);
  CHECK(broken.status != 0);
  CHECK(broken.output.find(run + "/run.json: field 'plm' is missing or malformed") != std::string::npos);
  CHECK(broken.output.find("json.exception") == std::string::npos);
}
