// Reading the fixtures written by the reference library
// (tools/reference/make_safetensors_fixtures.py) and checking every value
// against the manifest that script wrote.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "io/atomic_file.h"
#include "io/safetensors.h"
#include "tests/io/io_test_support.h"
#include "tests/test_support.h"

using namespace nlammr;
using nlohmann::json;

namespace {

json load_manifest() { return json::parse(read_file(testing::fixture_path("io/safetensors_manifest.json"))); }

template <typename T>
T element(const TensorEntry& entry, size_t i) {
  T value;
  std::memcpy(&value, static_cast<const char*>(entry.data) + i * sizeof(T), sizeof(T));
  return value;
}

// Non-finite values are spelled "nan", "inf", "-inf" in the manifest.
double expected_real(const json& value) {
  if (value.is_string()) {
    const std::string text = value.get<std::string>();
    if (text == "nan") return NAN;
    if (text == "inf") return INFINITY;
    if (text == "-inf") return -INFINITY;
    FAIL("bad manifest value " << text);
  }
  return value.get<double>();
}

void check_real(double actual, const json& expected, const std::string& where) {
  INFO(where);
  const double want = expected_real(expected);
  if (std::isnan(want)) {
    CHECK(std::isnan(actual));
  } else {
    CHECK(actual == want);
    CHECK(std::signbit(actual) == std::signbit(want));  // -0.0 stays -0.0
  }
}

void check_values(const TensorEntry& entry, const json& expected) {
  const size_t count = static_cast<size_t>(entry.numel());
  REQUIRE(expected.size() == count);
  for (size_t i = 0; i < count; ++i) {
    const std::string where = entry.name + "[" + std::to_string(i) + "]";
    INFO(where);
    switch (entry.dtype) {
      case DType::Float32: check_real(element<float>(entry, i), expected[i], where); break;
      case DType::Float64: check_real(element<double>(entry, i), expected[i], where); break;
      case DType::Float16: check_real(half_to_float(element<uint16_t>(entry, i)), expected[i], where); break;
      case DType::BFloat16:
        check_real(bfloat16_to_float(element<uint16_t>(entry, i)), expected[i], where);
        break;
      case DType::Int32: CHECK(element<int32_t>(entry, i) == expected[i].get<int64_t>()); break;
      case DType::Int64: CHECK(element<int64_t>(entry, i) == expected[i].get<int64_t>()); break;
      case DType::UInt8: CHECK(element<uint8_t>(entry, i) == expected[i].get<int64_t>()); break;
      case DType::Bool: CHECK(element<uint8_t>(entry, i) == (expected[i].get<bool>() ? 1 : 0)); break;
    }
  }
  if (dtype_is_floating(entry.dtype)) {
    const std::vector<float> converted = to_float32(entry);
    REQUIRE(converted.size() == count);
    for (size_t i = 0; i < count; ++i) {
      const double want = expected_real(expected[i]);
      INFO(entry.name << "[" << i << "] via to_float32");
      if (std::isnan(want)) {
        CHECK(std::isnan(converted[i]));
      } else {
        CHECK(converted[i] == static_cast<float>(want));
      }
    }
  }
}

// Checks one fixture file against its manifest entry; returns the file.
SafeTensorsFile check_fixture(const std::string& file_name) {
  const json manifest = load_manifest().at("files").at(file_name);
  const SafeTensorsFile file = SafeTensorsFile::open(testing::fixture_path("io/" + file_name));
  CHECK(file.metadata() == manifest.at("metadata").get<std::map<std::string, std::string>>());

  const json& tensors = manifest.at("tensors");
  CHECK(file.names().size() == tensors.size());
  CHECK(file.entries().size() == tensors.size());
  for (const auto& item : tensors.items()) {
    // Not a structured binding: INFO captures in a lambda, which C++17 does
    // not allow for bindings (clang refuses it).
    const std::string name = item.key();
    const json& info = item.value();
    INFO(file_name << " tensor " << name);
    REQUIRE(file.contains(name));
    const TensorEntry& entry = file.get(name);
    CHECK(entry.name == name);
    CHECK(std::string(safetensors_dtype_code(entry.dtype)) == info.at("dtype").get<std::string>());
    CHECK(entry.shape == info.at("shape").get<std::vector<int64_t>>());
    const auto offsets = info.at("data_offsets").get<std::vector<uint64_t>>();
    CHECK(entry.data_begin == offsets[0]);
    CHECK(entry.nbytes == offsets[1] - offsets[0]);
    if (entry.nbytes == 0) CHECK(entry.data == nullptr);
    check_values(entry, info.at("values"));
  }
  return file;
}

}  // namespace

TEST_CASE("reads every dtype, a scalar, empty tensors and metadata written by the reference") {
  const SafeTensorsFile file = check_fixture("reference_mixed.safetensors");
  CHECK(file.get("scale").shape.empty());
  CHECK(file.get("scale").numel() == 1);
  CHECK(file.get("empty").numel() == 0);
  CHECK(file.get("zero_rows").numel() == 0);
  // The reference writer aligns everything: no tensor needed a copy.
  for (const TensorEntry& entry : file.entries()) CHECK_MESSAGE(entry.aligned, entry.name);
}

TEST_CASE("reads a file written by the reference numpy writer, without metadata") {
  const SafeTensorsFile file = check_fixture("reference_plain.safetensors");
  CHECK(file.metadata().empty());
  CHECK(file.names() == std::vector<std::string>{"embeddings", "encoder.layer.0.bias",
                                                 "encoder.layer.0.weight", "positions"});
}

TEST_CASE("reads a file with no tensors") {
  const SafeTensorsFile file = check_fixture("reference_empty.safetensors");
  CHECK(file.names().empty());
}

TEST_CASE("misaligned tensors are copied into aligned memory and still read correctly") {
  const SafeTensorsFile file = check_fixture("unaligned.safetensors");
  CHECK_FALSE(file.get("h").aligned);
  CHECK_FALSE(file.get("s").aligned);
  CHECK_FALSE(file.get("d").aligned);
  CHECK(file.get("b").aligned);  // one-byte elements are always aligned
  for (const char* name : {"h", "s", "d"}) {
    const TensorEntry& entry = file.get(name);
    CHECK(reinterpret_cast<uintptr_t>(entry.data) % dtype_size(entry.dtype) == 0);
  }
}

TEST_CASE("entries come in data order, names sorted") {
  const SafeTensorsFile file = SafeTensorsFile::open(testing::fixture_path("io/reference_mixed.safetensors"));
  uint64_t previous_begin = 0;
  for (const TensorEntry& entry : file.entries()) {
    CHECK(entry.data_begin >= previous_begin);
    previous_begin = entry.data_begin;
  }
  CHECK(std::is_sorted(file.names().begin(), file.names().end()));
}

TEST_CASE("tensor data outlives the file object through keep_alive") {
  std::shared_ptr<const void> handle;
  const void* data = nullptr;
  std::vector<int64_t> copy;
  {
    const SafeTensorsFile file =
        SafeTensorsFile::open(testing::fixture_path("io/reference_mixed.safetensors"));
    handle = file.keep_alive();
    data = file.get("big").data;
    copy.resize(4);
    std::memcpy(copy.data(), data, 32);
  }
  // Reading through the old pointer is valid (a sanitizer build would flag it otherwise).
  std::vector<int64_t> again(4);
  std::memcpy(again.data(), data, 32);
  CHECK(again == copy);
  handle.reset();
}

TEST_CASE("to_float32 refuses integer tensors, naming the tensor") {
  const SafeTensorsFile file = SafeTensorsFile::open(testing::fixture_path("io/reference_mixed.safetensors"));
  CHECK_THROWS_WITH_AS(to_float32(file.get("ids")), doctest::Contains("'ids'"), std::runtime_error);
}

TEST_CASE("parse reads the same bytes from memory") {
  const std::string path = testing::fixture_path("io/reference_plain.safetensors");
  const SafeTensorsFile from_disk = SafeTensorsFile::open(path);
  const SafeTensorsFile from_memory = SafeTensorsFile::parse(read_file(path), "plain in memory");
  CHECK(from_memory.path() == "plain in memory");
  REQUIRE(from_memory.names() == from_disk.names());
  for (const std::string& name : from_disk.names()) {
    const TensorEntry& a = from_disk.get(name);
    const TensorEntry& b = from_memory.get(name);
    REQUIRE(a.nbytes == b.nbytes);
    CHECK(std::memcmp(a.data, b.data, a.nbytes) == 0);
  }
}
