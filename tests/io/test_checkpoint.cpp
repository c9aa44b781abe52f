// Checkpoints round-trip a model, its optimizer and metadata.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "engine/engine.h"
#include "io/checkpoint.h"
#include "io/tensor_file.h"

using namespace nlammr;

TEST_CASE("a checkpoint restores model, optimizer and metadata exactly") {
  const std::string path = (std::filesystem::temp_directory_path() / "nlammr_checkpoint_test.safetensors").string();
  Generator gen(1);
  nn::MLP a({3, 5, 2}, nn::Activation::Relu, 0.0, gen, std::make_shared<Generator>(2));
  optim::Adam opt_a({{a.parameters(), 0.01, 0.0}});
  Tensor x = randn({4, 3}, gen);
  for (int i = 0; i < 3; ++i) {
    opt_a.zero_grad();
    sum(a.forward(x)).backward();
    opt_a.step();
  }
  save_checkpoint(path, a, &opt_a, {{"epoch", 3}, {"note", "test"}});

  nn::MLP b({3, 5, 2}, nn::Activation::Relu, 0.0, gen, std::make_shared<Generator>(2));
  optim::Adam opt_b({{b.parameters(), 0.01, 0.0}});
  Checkpoint ck = load_checkpoint(path);
  CHECK(ck.meta.at("epoch") == 3);
  b.load_state_dict(ck.model);
  opt_b.load_state(ck.optimizer);
  CHECK(opt_b.steps() == 3);
  // One more identical step on both: the same bits.
  opt_a.zero_grad();
  sum(a.forward(x)).backward();
  opt_a.step();
  opt_b.zero_grad();
  sum(b.forward(x)).backward();
  opt_b.step();
  CHECK(a.parameters()[0].to_vector<float>() == b.parameters()[0].to_vector<float>());
  std::filesystem::remove(path);
}

TEST_CASE("a file that is not a checkpoint is rejected by name") {
  const std::string path = (std::filesystem::temp_directory_path() / "nlammr_not_checkpoint.safetensors").string();
  save_tensors(path, {{"w", Tensor::zeros({2})}});
  CHECK_THROWS_WITH_AS(load_checkpoint(path), doctest::Contains("not an nlammr checkpoint"), std::runtime_error);
  { std::ofstream(path) << "garbage"; }
  CHECK_THROWS_WITH_AS(load_checkpoint(path), doctest::Contains(path.c_str()), std::runtime_error);
  std::filesystem::remove(path);
}
