// A whole (tiny) training run from the command line on the simulated CUDA
// device: the language model's encoding, the GIN, the losses and Adam all go
// through the CUDA kernels, executed on the CPU by the simulator, and the
// losses agree with the same run on the CPU.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "data/cohort/cohort.h"
#include "engine/backend.h"
#include "tests/cli/cli_support.h"
#include "tests/nlammr/nlammr_test_support.h"
#include "tests/test_support.h"

using namespace nlammr;
using nlammr::testing::run_nlammr;
using nlammr::testing::ScratchDir;

namespace {

nlohmann::json first_metrics_line(const std::string& run) {
  std::ifstream in(run + "/metrics.jsonl");
  std::string line;
  std::getline(in, line);
  return nlohmann::json::parse(line);
}

}  // namespace

TEST_CASE("train --device cuda-sim runs the CUDA code path and matches the CPU run") {
  if (!simulated_cuda_available()) NLAMMR_SKIP("this build has no CUDA simulator");
  ScratchDir tmp("cli_cuda_sim");
  const std::string data = tmp.path() + "/cohort";
  write_cohort(nlammr::testing::tiny_training_cohort(), data);
  const std::string common =
      " --data " + data + " --model " + testing::fixture_path("bert/tiny") +
      " --no-cache --epochs 1 --batch-size 4 --latent-dim 16 --gnn-dim 8 --gnn-layers 2"
      " --threads 1";
  auto cpu = run_nlammr("train --out " + tmp.path() + "/cpu" + common + " --device cpu", tmp);
  INFO(cpu.output);
  REQUIRE(cpu.status == 0);
  auto sim = run_nlammr("train --out " + tmp.path() + "/sim" + common + " --device cuda-sim", tmp);
  INFO(sim.output);
  REQUIRE(sim.status == 0);
  const nlohmann::json a = first_metrics_line(tmp.path() + "/cpu"),
                       b = first_metrics_line(tmp.path() + "/sim");
  // The epoch's mean training losses (total, BCE, margin, contrastive, DDI).
  REQUIRE(a.contains("train"));
  REQUIRE(b.contains("train"));
  int losses = 0;
  for (const auto& item : a["train"].items()) {
    const std::string key = item.key();  // INFO captures it: not a structured binding (C++17)
    const auto& value = item.value();
    if (!value.is_number()) continue;
    INFO(key);
    REQUIRE(b["train"].contains(key));
    CHECK(b["train"][key].get<double>() == doctest::Approx(value.get<double>()).epsilon(1e-3));
    ++losses;
  }
  CHECK(losses >= 4);
}
