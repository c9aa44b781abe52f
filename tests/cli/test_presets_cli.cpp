// `nlammr train --preset`: the default is the best preset, reference gives the
// official setting, and options given beside a preset override single fields
// wherever they stand on the command line.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "data/cohort/cohort.h"
#include "models/nlammr/model/presets.h"
#include "tests/cli/cli_support.h"
#include "tests/nlammr/nlammr_test_support.h"
#include "tests/test_support.h"

using namespace nlammr;
using nlammr::testing::run_nlammr;
using nlammr::testing::ScratchDir;

TEST_CASE("train presets: the default, reference, and options that override them") {
  ScratchDir tmp("cli_presets");
  const std::string data = tmp.path() + "/cohort";
  write_cohort(nlammr::testing::tiny_training_cohort(), data);
  const std::string small = " --model " + testing::fixture_path("bert/tiny") + " --cache " + tmp.path() +
                            "/cache --epochs 1 --batch-size 4 --latent-dim 16 --gnn-dim 8 --gnn-layers 2 --threads 1";
  auto info_of = [&](const std::string& name, const std::string& flags) {
    const std::string run = tmp.path() + "/" + name;
    auto r = run_nlammr("train --data " + data + " --out " + run + flags + small, tmp);
    INFO(r.output);
    REQUIRE(r.status == 0);
    return nlohmann::json::parse(read_file(run + "/run.json"));
  };

  const TrainingPreset best = training_preset("best");
  nlohmann::json def = info_of("default", "");
  CHECK(def["model_config"]["use_code_embeddings"] == best.model.use_code_embeddings);
  CHECK(def["model_config"]["visit_text"] == best.model.visit_text);
  CHECK(def["model_config"]["ddi_weight"] == best.model.ddi_weight);
  CHECK(def["train_config"]["lr_scale"] == best.train.lr_scale);
  CHECK(def["train_config"]["patience"] == best.train.patience);
  CHECK(def["train_config"]["lr_decay"] == best.train.lr_decay);
  CHECK(def["plm"]["normalize"] == best.normalize_texts);
  CHECK(def["train_config"]["epochs"] == 1);  // given on the command line

  // The option before the preset and the one after it both win over the preset.
  nlohmann::json ref = info_of("reference", " --lr 1e-3 --preset reference --max-visit-num 3");
  CHECK(ref["model_config"]["visit_text"] == "concat");
  CHECK_FALSE(ref["model_config"]["use_code_embeddings"].get<bool>());
  CHECK(ref["model_config"]["ddi_weight"] == 0.0);
  CHECK(ref["model_config"]["max_visit_num"] == 3);
  CHECK(ref["train_config"]["lr"] == 1e-3);
  CHECK(ref["train_config"]["lr_scale"] == 0.1);
  CHECK(ref["train_config"]["patience"] == 0);
  CHECK(ref["plm"]["normalize"] == false);

  nlohmann::json norm = info_of("normalized", " --preset reference --normalize --code-dropout 0.2 --code-embeddings");
  CHECK(norm["plm"]["normalize"] == true);
  CHECK(norm["model_config"]["code_dropout"] == 0.2);

  auto bad = run_nlammr("train --data " + data + " --out " + tmp.path() + "/bad --preset fastest" + small, tmp);
  CHECK(bad.status != 0);
  CHECK(bad.output.find("--preset") != std::string::npos);
}
