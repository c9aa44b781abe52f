#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "io/atomic_file.h"
#include "io/safetensors.h"
#include "tests/io/io_test_support.h"
#include "tests/test_support.h"

using namespace nlammr;
using nlammr::testing::contains;
using nlammr::testing::ScratchDir;

namespace {

// What write_safetensors needs to reproduce an opened file.
std::vector<TensorToWrite> as_tensors_to_write(const SafeTensorsFile& file) {
  std::vector<TensorToWrite> tensors;
  for (const TensorEntry& entry : file.entries()) {
    tensors.push_back({entry.name, entry.dtype, entry.shape, entry.data, entry.nbytes});
  }
  return tensors;
}

std::string write_error(const std::string& path, const std::vector<TensorToWrite>& tensors,
                        const std::map<std::string, std::string>& metadata = {}) {
  try {
    write_safetensors(path, tensors, metadata);
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("our writer reproduces the reference writer's files byte for byte") {
  ScratchDir dir;
  for (const char* name :
       {"reference_mixed.safetensors", "reference_plain.safetensors", "reference_empty.safetensors"}) {
    INFO(name);
    const std::string reference_path = testing::fixture_path(std::string("io/") + name);
    const std::string reference_bytes = read_file(reference_path);
    const SafeTensorsFile file = SafeTensorsFile::open(reference_path);
    const auto tensors = as_tensors_to_write(file);

    CHECK(serialize_safetensors(tensors, file.metadata()) == reference_bytes);
    const std::string ours = dir.file(name);
    write_safetensors(ours, tensors, file.metadata());
    CHECK(read_file(ours) == reference_bytes);
  }
}

TEST_CASE("the input order of tensors does not change the file") {
  const SafeTensorsFile file = SafeTensorsFile::open(testing::fixture_path("io/reference_mixed.safetensors"));
  auto tensors = as_tensors_to_write(file);
  const std::string forward = serialize_safetensors(tensors, file.metadata());
  std::reverse(tensors.begin(), tensors.end());
  CHECK(serialize_safetensors(tensors, file.metadata()) == forward);
}

TEST_CASE("write then read round trip: every dtype, scalar, empty tensor, several metadata entries") {
  ScratchDir dir;
  const std::string path = dir.file("round trip.safetensors");  // a space in the name is fine
  const std::vector<float> weights = {1.5f, -2.0f, 3.25f, 0.0f, -0.0f, 1e-30f};
  const double scalar = -12.5;
  const std::vector<uint16_t> halves = {float_to_half(0.5f), float_to_half(-3.0f)};
  const std::vector<uint16_t> brains = {float_to_bfloat16(7.0f)};
  const std::vector<int32_t> ids = {3, 1, 4};
  const std::vector<int64_t> longs = {-1, int64_t(1) << 40};
  const std::vector<uint8_t> bytes = {9, 8, 7, 6, 5};
  const uint8_t flags[] = {1, 0};
  const std::vector<TensorToWrite> tensors = {
      {"w", DType::Float32, {2, 3}, weights.data(), weights.size() * 4},
      {"s", DType::Float64, {}, &scalar, 8},
      {"h", DType::Float16, {2}, halves.data(), 4},
      {"bf", DType::BFloat16, {1, 1}, brains.data(), 2},
      {"ids", DType::Int32, {3}, ids.data(), 12},
      {"longs", DType::Int64, {2}, longs.data(), 16},
      {"raw", DType::UInt8, {5}, bytes.data(), 5},
      {"flags", DType::Bool, {2}, flags, 2},
      {"nothing", DType::Float32, {4, 0}, nullptr, 0},
      {"ünïcode name", DType::UInt8, {1}, bytes.data(), 1},
  };
  const std::map<std::string, std::string> metadata = {{"format", "pt"}, {"note", "line\nbreak \"quoted\""}};
  write_safetensors(path, tensors, metadata);

  const SafeTensorsFile file = SafeTensorsFile::open(path);
  CHECK(file.metadata() == metadata);
  REQUIRE(file.names().size() == tensors.size());
  for (const TensorToWrite& tensor : tensors) {
    INFO(tensor.name);
    const TensorEntry& entry = file.get(tensor.name);
    CHECK(entry.dtype == tensor.dtype);
    CHECK(entry.shape == tensor.shape);
    REQUIRE(entry.nbytes == tensor.nbytes);
    if (tensor.nbytes > 0) CHECK(std::memcmp(entry.data, tensor.data, tensor.nbytes) == 0);
    CHECK(entry.aligned);  // the writer's layout never needs a copy
  }
  CHECK(to_float32(file.get("h")) == std::vector<float>{0.5f, -3.0f});
  CHECK(to_float32(file.get("bf")) == std::vector<float>{7.0f});
  CHECK(to_float32(file.get("s")) == std::vector<float>{-12.5f});

  // Header padded to a multiple of 8 with spaces.
  const std::string raw = read_file(path);
  uint64_t header_length = 0;
  std::memcpy(&header_length, raw.data(), 8);
  CHECK(header_length % 8 == 0);
  CHECK(raw[8] == '{');
  CHECK(dir.listing() == std::vector<std::string>{"round trip.safetensors"});
}

TEST_CASE("rewriting a file leaves readers of the old file with the old data") {
  ScratchDir dir;
  const std::string path = dir.file("model.safetensors");
  const std::vector<float> old_values = {1, 2, 3, 4};
  const std::vector<float> new_values = {5, 6, 7, 8};
  write_safetensors(path, {{"x", DType::Float32, {4}, old_values.data(), 16}});
  const SafeTensorsFile old_file = SafeTensorsFile::open(path);
  write_safetensors(path, {{"x", DType::Float32, {4}, new_values.data(), 16}});
  const SafeTensorsFile new_file = SafeTensorsFile::open(path);
  CHECK(to_float32(old_file.get("x")) == old_values);
  CHECK(to_float32(new_file.get("x")) == new_values);
}

TEST_CASE("a file can be rewritten in place from its own mapped tensors") {
  // The new file is written beside the old one and renamed over it, so the
  // mapping the data comes from stays intact during the write.
  ScratchDir dir;
  const std::string path = dir.file("in_place.safetensors");
  const std::string original = read_file(testing::fixture_path("io/reference_mixed.safetensors"));
  testing::write_bytes(path, original);
  const SafeTensorsFile file = SafeTensorsFile::open(path);
  write_safetensors(path, as_tensors_to_write(file), file.metadata());
  CHECK(read_file(path) == original);
}

TEST_CASE("the writer rejects bad input, naming file and tensor, and creates no file") {
  ScratchDir dir;
  const std::string path = dir.file("bad.safetensors");
  const float values[4] = {1, 2, 3, 4};
  std::string message;

  message = write_error(path, {{"a", DType::Float32, {2, 2}, values, 12}});
  CHECK(contains(message, path));
  CHECK(contains(message, "tensor 'a'"));
  CHECK(contains(message, "need 16 bytes but nbytes is 12"));

  message =
      write_error(path, {{"a", DType::Float32, {4}, values, 16}, {"a", DType::Float32, {4}, values, 16}});
  CHECK(contains(message, "tensor 'a': the name appears twice"));

  message = write_error(path, {{"__metadata__", DType::Float32, {4}, values, 16}});
  CHECK(contains(message, "reserved"));

  message = write_error(path, {{"neg", DType::Float32, {-1, 4}, values, 16}});
  CHECK(contains(message, "tensor 'neg': negative dimension -1"));

  message = write_error(path, {{"null", DType::Float32, {4}, nullptr, 16}});
  CHECK(contains(message, "tensor 'null': data is null"));

  message = write_error(path, {{std::string("bad\xff", 4), DType::Float32, {4}, values, 16}});
  CHECK(contains(message, "not valid UTF-8"));

  message = write_error(path, {{"huge", DType::Float32, {int64_t(1) << 62, 8}, values, 16}});
  CHECK(contains(message, "overflows"));

  message = write_error(path, {{"ok", DType::Float32, {4}, values, 16}}, {{"k", std::string("\xc3", 1)}});
  CHECK(contains(message, "metadata value for key 'k' is not valid UTF-8"));

  CHECK(dir.listing().empty());
}
