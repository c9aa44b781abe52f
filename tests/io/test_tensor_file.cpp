// Tensors through safetensors files.
#include <doctest/doctest.h>

#include <filesystem>

#include "engine/engine.h"
#include "io/tensor_file.h"
#include "tests/test_support.h"

using namespace nlammr;

TEST_CASE("tensors round-trip through a safetensors file") {
  const std::string path = (std::filesystem::temp_directory_path() / "nlammr_tensor_file_test.safetensors").string();
  Generator gen(1);
  Tensor a = randn({3, 4}, gen);
  Tensor b = randn({2, 5}, gen, DType::Float64).transpose(0, 1);  // saved packed
  Tensor ids = Tensor::from_vector<int64_t>({4, -1, 7}, {3});
  save_tensors(path, {{"a", a}, {"b", b}, {"ids", ids}}, {{"kind", "test"}});
  auto loaded = load_tensors(path);
  CHECK(loaded.at("a").to_vector<float>() == a.to_vector<float>());
  CHECK(loaded.at("b").shape() == Shape{5, 2});
  CHECK(loaded.at("b").to_vector<double>() == b.to_vector<double>());
  CHECK(loaded.at("ids").to_vector<int64_t>() == ids.to_vector<int64_t>());
  CHECK(SafeTensorsFile::open(path).metadata().at("kind") == "test");
  // float16 storage converts to float32 on load unless asked not to.
  save_tensors(path, {{"h", a.to(DType::Float16)}});
  CHECK(load_tensors(path).at("h").dtype() == DType::Float32);
  LoadOptions raw;
  raw.half_to_float32 = false;
  CHECK(load_tensors(path, raw).at("h").dtype() == DType::Float16);
  std::filesystem::remove(path);
}

TEST_CASE("loaded tensors outlive the file object and view its mapping") {
  const std::string path = nlammr::testing::fixture_path("io/reference_plain.safetensors");
  SafeTensorsFile file = SafeTensorsFile::open(path);
  const TensorEntry& entry = file.entries().front();
  Tensor t = tensor_from_entry(file, entry);
  if (entry.aligned && entry.dtype == DType::Float32) CHECK(t.raw_data() == entry.data);  // zero copy
  Tensor kept;
  {
    auto all = load_tensors(path);
    kept = all.begin()->second;
  }
  CHECK(kept.numel() >= 0);
  CHECK(kept.to(DType::Float64).to_vector<double>().size() == static_cast<size_t>(kept.numel()));
}
