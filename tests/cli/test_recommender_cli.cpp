// The recommender's commands end to end on a tiny cohort with the tiny BERT
// checkpoint: train (and resume), eval, recommend, and their error messages.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "io/checkpoint.h"
#include "data/cohort/cohort.h"
#include "io/tensor_file.h"
#include "tests/cli/cli_support.h"
#include "tests/nlammr/nlammr_test_support.h"
#include "tests/test_support.h"

using namespace nlammr;
using nlammr::testing::run_nlammr;
using nlammr::testing::ScratchDir;

namespace {

size_t count_lines(const std::string& path) {
  std::ifstream in(path);
  size_t n = 0;
  for (std::string line; std::getline(in, line);) n += !line.empty();
  return n;
}

}  // namespace

TEST_CASE("train, resume, eval and recommend from the command line") {
  ScratchDir tmp("cli_recommender");
  const std::string data = tmp.path() + "/cohort", run = tmp.path() + "/run";
  write_cohort(nlammr::testing::tiny_training_cohort(), data);
  const std::string common = " --model " + testing::fixture_path("bert/tiny") + " --cache " + tmp.path() + "/cache";

  auto train = run_nlammr("train --data " + data + " --out " + run + common +
                              " --epochs 2 --batch-size 4 --latent-dim 16 --gnn-dim 8 --gnn-layers 2 --threads 1",
                          tmp);
  INFO(train.output);
  REQUIRE(train.status == 0);
  CHECK(train.output.find("best validation Jaccard") != std::string::npos);
  CHECK(count_lines(run + "/metrics.jsonl") == 2);

  // Training one more epoch from the finished run appends exactly one line.
  auto more = run_nlammr("train --out " + run + " --resume --epochs 3" + common, tmp);
  INFO(more.output);
  REQUIRE(more.status == 0);
  CHECK(count_lines(run + "/metrics.jsonl") == 3);

  auto eval = run_nlammr("eval --run " + run + " --bootstrap 3 --cache " + tmp.path() + "/cache", tmp);
  INFO(eval.output);
  REQUIRE(eval.status == 0);
  nlohmann::json report = nlohmann::json::parse(read_file(run + "/eval_test.json"));
  CHECK(report.at("results").size() == 3);  // the model and two baselines
  CHECK(report.at("results").at("NLA-MMR (nlammr)").at("rounds").size() == 3);

  auto rec = run_nlammr("recommend --run " + run + " --diagnoses 4019,99999 --text \"short of breath\" --json", tmp);
  INFO(rec.output);
  REQUIRE(rec.status == 0);
  nlohmann::json j = nlohmann::json::parse(rec.output.substr(rec.output.find('{')));
  CHECK(j.at("ranked").size() == 5);
  CHECK(j.at("unknown_codes") == nlohmann::json::array({"diagnosis 99999"}));
  double previous = 1.0;
  for (const auto& c : j.at("ranked")) {
    const double p = c.at("probability");
    CHECK(p <= previous);
    CHECK(p >= 0.0);
    previous = p;
  }
  CHECK(j.at("visit_text").get<std::string>().find("Hypertension") != std::string::npos);
}

TEST_CASE("a run with code embeddings trains, reloads and recommends from codes") {
  ScratchDir tmp("cli_code_embeddings");
  const std::string data = tmp.path() + "/cohort", run = tmp.path() + "/run";
  write_cohort(nlammr::testing::tiny_training_cohort(), data);
  const std::string common = " --model " + testing::fixture_path("bert/tiny") + " --cache " + tmp.path() + "/cache";
  auto train = run_nlammr("train --data " + data + " --out " + run + common +
                              " --code-embeddings --visit-text codes --epochs 1 --batch-size 4 --latent-dim 16"
                              " --gnn-dim 8 --gnn-layers 2 --threads 1",
                          tmp);
  INFO(train.output);
  REQUIRE(train.status == 0);
  nlohmann::json info = nlohmann::json::parse(read_file(run + "/run.json"));
  CHECK(info.at("model_config").at("use_code_embeddings") == true);
  CHECK(info.at("model_config").at("num_diagnosis_codes") == 6);
  CHECK(info.at("model_config").at("num_medication_classes") == 5);

  const std::string patient = R"({"visits": [{"diagnoses": ["4019"], "medications": ["C09A"]},)"
                              R"( {"diagnoses": ["4280"], "procedures": ["3893"]}]})";
  {
    std::ofstream(tmp.path() + "/patient.json") << patient;
  }
  auto rec = run_nlammr("recommend --run " + run + " --json --input " + tmp.path() + "/patient.json", tmp);
  INFO(rec.output);
  REQUIRE(rec.status == 0);
  nlohmann::json j = nlohmann::json::parse(rec.output.substr(rec.output.find('{')));
  CHECK(j.at("ranked").size() == 5);
  CHECK(j.at("unknown_codes").empty());
}

TEST_CASE("bad input to the recommender's commands gives a clear error and a non-zero exit") {
  ScratchDir tmp("cli_recommender_errors");
  auto missing = run_nlammr("train --data " + tmp.path() + "/nowhere --out " + tmp.path() + "/run --model " +
                                testing::fixture_path("bert/tiny"),
                            tmp);
  CHECK(missing.status != 0);
  CHECK(missing.output.find(tmp.path() + "/nowhere") != std::string::npos);

  auto no_run = run_nlammr("eval --run " + tmp.path() + "/nothing", tmp);
  CHECK(no_run.status != 0);
  CHECK(no_run.output.find("no run description") != std::string::npos);

  auto no_data = run_nlammr("train --out " + tmp.path() + "/run2", tmp);
  CHECK(no_data.status != 0);
  CHECK(no_data.output.find("--data") != std::string::npos);

  std::filesystem::create_directories(tmp.path() + "/fake_run");
  const std::string bad = tmp.write("bad.json", "{\"visits\": [");
  auto bad_json = run_nlammr("recommend --run " + tmp.path() + "/fake_run --input " + bad, tmp);
  CHECK(bad_json.status != 0);
  CHECK(bad_json.output.find("bad.json: not valid JSON") != std::string::npos);
}

TEST_CASE("fine-tuning the language model end to end trains it and the run reloads it") {
  ScratchDir tmp("cli_finetune");
  const std::string data = tmp.path() + "/cohort", run = tmp.path() + "/run";
  write_cohort(nlammr::testing::tiny_training_cohort(), data);
  const std::string tiny = testing::fixture_path("bert/tiny");
  auto train = run_nlammr("train --data " + data + " --out " + run + " --model " + tiny + " --no-cache" +
                              " --finetune-plm --plm-lr 1e-3 --epochs 1 --batch-size 8 --latent-dim 16 --gnn-dim 8"
                              " --gnn-layers 2 --threads 1",
                          tmp);
  INFO(train.output);
  REQUIRE(train.status == 0);
  CHECK(train.output.find("fine-tuning the language model") != std::string::npos);

  // The checkpoint carries the language model, and its weights moved.
  Checkpoint ck = load_checkpoint(run + "/best.safetensors");
  const std::string key = "plm.encoder.layer.0.attention.self.query.weight";
  REQUIRE(ck.model.count(key) == 1);
  auto original = load_tensors(tiny + "/model.safetensors");
  Tensor before = original.count(key.substr(4)) ? original.at(key.substr(4)) : original.at("bert." + key.substr(4));
  CHECK(ck.model.at(key).to_vector<float>() != before.to(DType::Float32).to_vector<float>());

  auto rec = run_nlammr("recommend --run " + run + " --diagnoses 4280 --json", tmp);
  INFO(rec.output);
  CHECK(rec.status == 0);
  CHECK(rec.output.find("\"ranked\"") != std::string::npos);
}
