// `nlammr encode` end to end: the program is run on the tiny checkpoint and
// its output file read back.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "engine/engine.h"
#include "io/atomic_file.h"
#include "io/safetensors.h"
#include "io/tensor_file.h"
#include "models/bert/text_encoder.h"
#include "tests/test_support.h"
#include "tests/cli/cli_support.h"
#include "tests/test_support.h"

using namespace nlammr;
using nlammr::testing::ScratchDir;

namespace {

using Run = nlammr::testing::CliRun;
using nlammr::testing::run_nlammr;

const std::string kTiny = testing::fixture_path("bert/tiny");

TEST_CASE("encode writes one vector per text with the options in the metadata, and uses the cache") {
  ScratchDir tmp("cli_encode");
  write_file_atomic(tmp.path() + "/texts.jsonl",
                    "{\"text\": \"chest pain\"}\n\"fever\"\n{\"text\": \"chest pain\"}\n");
  const std::string common = "encode --model " + kTiny + " --input " + tmp.path() + "/texts.jsonl --cache " +
                             tmp.path() + "/cache --threads 1 --batch 2";
  Run first = run_nlammr(common + " --output " + tmp.path() + "/a.safetensors", tmp);
  INFO(first.output);
  REQUIRE(first.status == 0);
  CHECK(first.output.find("encoded 3 texts (0 from the cache, 2 computed)") != std::string::npos);

  SafeTensorsFile file = SafeTensorsFile::open(tmp.path() + "/a.safetensors");
  const TensorEntry& e = file.get("embeddings");
  CHECK(e.shape == std::vector<int64_t>{3, 32});
  CHECK(file.metadata().at("pooling") == "mean");
  CHECK(file.metadata().at("normalize") == "false");
  CHECK(file.metadata().at("max_length") == "64");
  CHECK(file.metadata().at("count") == "3");
  CHECK(file.metadata().at("model") == kTiny);

  // The same vectors as the library computes.
  TextEncoderOptions o;
  o.model_dir = kTiny;
  Tensor expected = TextEncoder(o).encode_texts({"chest pain", "fever", "chest pain"});
  CHECK(tensor_from_entry(file, e).to_vector<float>() == expected.to_vector<float>());

  Run second = run_nlammr(common + " --output " + tmp.path() + "/b.safetensors", tmp);
  INFO(second.output);
  REQUIRE(second.status == 0);
  CHECK(second.output.find("(2 from the cache, 0 computed)") != std::string::npos);
  CHECK(read_file(tmp.path() + "/b.safetensors") == read_file(tmp.path() + "/a.safetensors"));

  // Options change the vectors and the metadata.
  Run cls = run_nlammr("encode --model " + kTiny + " --input " + tmp.path() +
                           "/texts.jsonl --no-cache --pooling cls " + "--normalize --max-length 8 --output " +
                           tmp.path() + "/c.safetensors",
                       tmp);
  REQUIRE(cls.status == 0);
  SafeTensorsFile c = SafeTensorsFile::open(tmp.path() + "/c.safetensors");
  CHECK(c.metadata().at("pooling") == "cls");
  CHECK(c.metadata().at("normalize") == "true");
  CHECK(c.metadata().at("max_length") == "8");
  const std::vector<float> row = tensor_from_entry(c, c.get("embeddings")).to_vector<float>();
  double norm = 0;
  for (int i = 0; i < 32; ++i) norm += row[i] * row[i];
  CHECK(norm == doctest::Approx(1.0).epsilon(1e-5));
}

TEST_CASE("encode reports bad input with the file and line, and fails") {
  ScratchDir tmp("cli_encode_errors");
  write_file_atomic(tmp.path() + "/bad.jsonl", "\"ok\"\n{\"label\": 1}\n");
  Run bad = run_nlammr("encode --model " + kTiny + " --no-cache --input " + tmp.path() +
                           "/bad.jsonl --output " + tmp.path() + "/o.safetensors",
                       tmp);
  CHECK(bad.status != 0);
  CHECK(bad.output.find("bad.jsonl:2: the object has no \"text\" string") != std::string::npos);

  Run missing = run_nlammr("encode --model " + kTiny + " --no-cache --input " + tmp.path() +
                               "/missing.txt --output " + tmp.path() + "/o.safetensors",
                           tmp);
  CHECK(missing.status != 0);
  CHECK(missing.output.find("missing.txt") != std::string::npos);

  write_file_atomic(tmp.path() + "/good.txt", "fever\n");
  Run model = run_nlammr("encode --model " + tmp.path() + "/nowhere --input " + tmp.path() +
                             "/good.txt --output " + tmp.path() + "/o.safetensors",
                         tmp);
  CHECK(model.status != 0);
  CHECK(model.output.find("nowhere") != std::string::npos);
}

}  // namespace
