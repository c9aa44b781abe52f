// One NaN weight in a model folder stops the loading, naming the file and the
// tensor, instead of turning every sentence vector into NaN.
#include <doctest/doctest.h>

#include <filesystem>
#include <limits>
#include <map>
#include <string>

#include "io/tensor_file.h"
#include "models/bert/bert_checkpoint.h"
#include "tests/test_support.h"

using namespace nlammr;

TEST_CASE("bert checkpoint: a NaN weight is an error naming the file and the tensor") {
  namespace fs = std::filesystem;
  testing::ScratchDir dir("bert_nan");
  const std::string tiny = testing::fixture_path("bert/tiny");
  for (const char* name : {"config.json", "vocab.txt", "tokenizer_config.json"}) {
    fs::copy_file(fs::path(tiny) / name, fs::path(dir.path()) / name);
  }
  LoadOptions keep;
  keep.half_to_float32 = true;
  std::map<std::string, Tensor> tensors = load_tensors(tiny + "/model.safetensors", keep);
  std::string poisoned;
  for (auto& [name, tensor] : tensors) {
    if (name.find("attention.self.query.weight") == std::string::npos) continue;
    std::vector<float> values = tensor.to(DType::Float32).to_vector<float>();
    values[5] = std::numeric_limits<float>::quiet_NaN();
    tensor = Tensor::from_vector(values, tensor.shape());
    poisoned = name;
    break;
  }
  REQUIRE_FALSE(poisoned.empty());
  save_tensors(dir.file("model.safetensors"), tensors);
  const std::string expected =
      dir.file("model.safetensors") + ": tensor '" + poisoned + "' holds a NaN or infinite value (element 5)";
  CHECK_THROWS_WITH_AS(load_bert_model(dir.path()), doctest::Contains(expected.c_str()), std::runtime_error);
}
