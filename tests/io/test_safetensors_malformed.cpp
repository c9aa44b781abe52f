// Every way a safetensors file can be broken must give a std::runtime_error
// whose message names the file and the problem.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <stdexcept>

#include "io/atomic_file.h"
#include "io/safetensors.h"
#include "tests/io/io_test_support.h"
#include "tests/test_support.h"

using namespace nlammr;
using nlammr::testing::contains;
using nlammr::testing::safetensors_bytes;
using nlammr::testing::ScratchDir;

namespace {

std::string open_error(const std::string& path) {
  try {
    SafeTensorsFile::open(path);
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  return "(no error)";
}

// Writes `bytes` as a file named `name` and returns the error opening it;
// checks on the way that the message names the file.
std::string error_for_bytes(const ScratchDir& dir, const std::string& name, const std::string& bytes) {
  const std::string path = dir.file(name);
  testing::write_bytes(path, bytes);
  const std::string message = open_error(path);
  CHECK_MESSAGE(contains(message, "'" + path + "'"), message);
  return message;
}

// A file whose header is `header` (verbatim) followed by `data`.
std::string error_for_header(const ScratchDir& dir, const std::string& name, const std::string& header,
                             const std::string& data = "") {
  return error_for_bytes(dir, name, safetensors_bytes(header, data));
}

std::string u8(const std::string& name, int count, int begin, int end) {
  return "\"" + name + "\":{\"dtype\":\"U8\",\"shape\":[" + std::to_string(count) + "],\"data_offsets\":[" +
         std::to_string(begin) + "," + std::to_string(end) + "]}";
}

std::string with_length(uint64_t length, const std::string& rest) {
  std::string bytes(8, '\0');
  for (int k = 0; k < 8; ++k) bytes[k] = static_cast<char>((length >> (8 * k)) & 0xff);
  return bytes + rest;
}

}  // namespace

TEST_CASE("missing file, directory, empty file") {
  ScratchDir dir;
  const std::string missing = dir.file("absent.safetensors");
  std::string message = open_error(missing);
  CHECK(contains(message, missing));
  CHECK(contains(message, "No such file or directory"));

  message = open_error(dir.path());
  CHECK(contains(message, dir.path()));
  CHECK(contains(message, "not a regular file"));

  message = error_for_bytes(dir, "empty.safetensors", "");
  CHECK(contains(message, "the file is 0 bytes, too short for the 8-byte header length"));
  message = error_for_bytes(dir, "five.safetensors", std::string("\x02\0\0\0\0", 5));
  CHECK(contains(message, "the file is 5 bytes"));
}

TEST_CASE("truncated files") {
  ScratchDir dir;
  const std::string good = read_file(testing::fixture_path("io/reference_plain.safetensors"));
  // Cut inside the header.
  std::string message = error_for_bytes(dir, "cut_header.safetensors", good.substr(0, 100));
  CHECK(contains(message, "header length 288 runs past the end of the file (100 bytes)"));
  // Cut inside the data: the last tensor now runs past the data section.
  message = error_for_bytes(dir, "cut_data.safetensors", good.substr(0, good.size() - 3));
  CHECK(contains(
      message,
      "tensor 'embeddings': data_offsets [128, 144] run past the end of the data section (141 bytes)"));
}

TEST_CASE("absurd header lengths") {
  ScratchDir dir;
  std::string message = error_for_bytes(dir, "huge.safetensors", with_length(uint64_t(1) << 63, "{}"));
  CHECK(contains(message, "exceeds the limit of 100000000 bytes"));
  message = error_for_bytes(dir, "just_over.safetensors", with_length(100'000'001, "{}"));
  CHECK(contains(message, "header length 100000001 exceeds the limit"));
  message = error_for_bytes(dir, "at_limit.safetensors", with_length(100'000'000, "{}"));
  CHECK(contains(message, "header length 100000000 runs past the end of the file (10 bytes)"));
}

TEST_CASE("headers that are not a JSON object") {
  ScratchDir dir;
  std::string message = error_for_header(dir, "space.safetensors", " {}");
  CHECK(contains(message, "the JSON header does not start with '{'"));
  message = error_for_header(dir, "array.safetensors", "[]");
  CHECK(contains(message, "does not start with '{'"));
  message = error_for_header(dir, "zero_length.safetensors", "");
  CHECK(contains(message, "does not start with '{'"));
  message = error_for_header(dir, "cut_json.safetensors", "{\"a\":{\"dtype\":");
  CHECK(contains(message, "the header is not valid JSON"));
  message = error_for_header(dir, "nul_padding.safetensors", std::string("{}\0\0", 4));
  CHECK(contains(message, "the header is not valid JSON: NUL byte at byte 2 of the header"));
  message = error_for_header(dir, "two_values.safetensors", "{} {}");
  CHECK(contains(message, "not valid JSON"));
  message = error_for_header(dir, "latin1.safetensors", "{\"caf\xe9\":1}");
  CHECK(contains(message, "the JSON header is not valid UTF-8 (byte 5 of the header)"));
  message = error_for_header(dir, "surrogate.safetensors", "{\"\xed\xa0\x80\":1}");
  CHECK(contains(message, "not valid UTF-8"));
  message = error_for_header(dir, "deep.safetensors",
                             "{\"a\":" + std::string(5000, '[') + std::string(5000, ']') + "}");
  CHECK(contains(message, "nests deeper than"));
}

TEST_CASE("trailing spaces and other JSON whitespace after the header are accepted") {
  ScratchDir dir;
  const std::string path = dir.file("padded.safetensors");
  testing::write_bytes(path, safetensors_bytes("{" + u8("a", 1, 0, 1) + "}  \n\t ", "x"));
  CHECK(SafeTensorsFile::open(path).get("a").nbytes == 1);
}

TEST_CASE("duplicate keys") {
  ScratchDir dir;
  std::string message =
      error_for_header(dir, "dup.safetensors", "{" + u8("a", 1, 0, 1) + "," + u8("a", 1, 0, 1) + "}", "x");
  CHECK(contains(message, "the JSON header repeats the key 'a'"));
  message = error_for_header(
      dir, "dup_field.safetensors",
      "{\"a\":{\"dtype\":\"U8\",\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}", "x");
  CHECK(contains(message, "repeats the key 'dtype'"));
}

TEST_CASE("bad metadata") {
  ScratchDir dir;
  std::string message = error_for_header(dir, "meta_int.safetensors",
                                         "{\"__metadata__\":{\"epoch\":3}," + u8("a", 1, 0, 1) + "}", "x");
  CHECK(contains(message, "__metadata__ value for key 'epoch' must be a string, found 3 (number)"));
  message = error_for_header(dir, "meta_array.safetensors", "{\"__metadata__\":[\"x\"]}");
  CHECK(contains(message, "__metadata__ must be an object of strings"));
  message = error_for_header(dir, "meta_nested.safetensors", "{\"__metadata__\":{\"k\":{\"x\":\"y\"}}}");
  CHECK(contains(message, "__metadata__ value for key 'k' must be a string"));
}

TEST_CASE("bad tensor entries") {
  ScratchDir dir;
  std::string message = error_for_header(dir, "not_object.safetensors", "{\"a\":[1,2]}");
  CHECK(contains(message, "tensor 'a': entry must be an object"));
  message =
      error_for_header(dir, "missing_field.safetensors", "{\"a\":{\"dtype\":\"U8\",\"shape\":[1]}}", "x");
  CHECK(contains(message, "tensor 'a': missing field 'data_offsets'"));
  message =
      error_for_header(dir, "extra_field.safetensors",
                       "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1],\"foo\":1}}", "x");
  CHECK(contains(message, "tensor 'a': unknown field 'foo'"));
}

TEST_CASE("unknown and unsupported dtypes") {
  ScratchDir dir;
  std::string message = error_for_header(
      dir, "lower.safetensors", "{\"a\":{\"dtype\":\"f32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "abcd");
  CHECK(contains(message, "tensor 'a': unknown dtype 'f32'"));
  message = error_for_header(dir, "fp8.safetensors",
                             "{\"a\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}}", "x");
  CHECK(contains(message, "tensor 'a': unsupported dtype 'F8_E4M3'"));
  message = error_for_header(dir, "number.safetensors",
                             "{\"a\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}");
  CHECK(contains(message, "tensor 'a': dtype must be a string"));
  // A file the reference library wrote with int16 data.
  const std::string path = testing::fixture_path("io/unsupported_dtype.safetensors");
  message = open_error(path);
  CHECK(contains(message, path));
  CHECK(contains(message, "tensor 'counts': unsupported dtype 'I16'"));
}

TEST_CASE("bad shapes") {
  ScratchDir dir;
  std::string message = error_for_header(
      dir, "negative.safetensors", "{\"a\":{\"dtype\":\"U8\",\"shape\":[-1],\"data_offsets\":[0,1]}}", "x");
  CHECK(contains(message,
                 "tensor 'a': shape entry 0 is -1 (number); shape entries must be non-negative integers"));
  message = error_for_header(dir, "float.safetensors",
                             "{\"a\":{\"dtype\":\"U8\",\"shape\":[1,2.0],\"data_offsets\":[0,2]}}", "xy");
  CHECK(contains(message, "tensor 'a': shape entry 1 is 2.0"));
  message = error_for_header(dir, "number_overflow.safetensors",
                             "{\"a\":{\"dtype\":\"U8\",\"shape\":[1e999],\"data_offsets\":[0,1]}}", "x");
  CHECK(contains(message, "the header is not valid JSON: number overflow"));
  message = error_for_header(dir, "not_array.safetensors",
                             "{\"a\":{\"dtype\":\"U8\",\"shape\":3,\"data_offsets\":[0,3]}}");
  CHECK(contains(message, "tensor 'a': shape must be an array"));
  message = error_for_header(
      dir, "overflow.safetensors",
      "{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,8],\"data_offsets\":[0,0]}}");
  CHECK(contains(message, "tensor 'a': shape [4611686018427387904, 8] overflows the byte count"));
  // 2^62 * 2 fits in 64 unsigned bits but not in int64, which element counts use.
  message = error_for_header(
      dir, "signed_overflow.safetensors",
      "{\"a\":{\"dtype\":\"U8\",\"shape\":[4611686018427387904,2,0],\"data_offsets\":[0,0]}}");
  CHECK(contains(message, "tensor 'a': shape [4611686018427387904, 2, 0] overflows the byte count"));
  message =
      error_for_header(dir, "beyond_int64.safetensors",
                       "{\"a\":{\"dtype\":\"U8\",\"shape\":[9223372036854775808,0],\"data_offsets\":[0,0]}}");
  CHECK(contains(message, "tensor 'a': shape entry 0 is 9223372036854775808"));
}

TEST_CASE("shape and byte range disagree") {
  ScratchDir dir;
  std::string message = error_for_header(
      dir, "mismatch.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}",
      std::string(20, '\0'));
  CHECK(contains(message, "tensor 'w': shape [2, 3] of F32 needs 24 bytes but data_offsets [0, 20] span 20"));
}

TEST_CASE("bad data_offsets") {
  ScratchDir dir;
  std::string message = error_for_header(
      dir, "reversed.safetensors", "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[2,1]}}", "xy");
  CHECK(contains(message, "tensor 'a': data_offsets [2, 1] end before they begin"));
  message = error_for_header(dir, "three.safetensors",
                             "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1,1]}}", "x");
  CHECK(contains(message, "tensor 'a': data_offsets must be two non-negative integers"));
  message = error_for_header(dir, "negative_offset.safetensors",
                             "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[-1,0]}}", "x");
  CHECK(contains(message, "data_offsets must be two non-negative integers"));
  message = error_for_header(dir, "past_end.safetensors", "{" + u8("a", 4, 0, 4) + "}", "xy");
  CHECK(contains(message, "tensor 'a': data_offsets [0, 4] run past the end of the data section (2 bytes)"));
}

TEST_CASE("overlaps, gaps and trailing bytes in the data section") {
  ScratchDir dir;
  std::string message = error_for_header(dir, "overlap.safetensors",
                                         "{" + u8("a", 2, 0, 2) + "," + u8("b", 2, 1, 3) + "}", "xyz");
  CHECK(contains(message, "tensor 'b': data_offsets [1, 3] overlap tensor 'a' at [0, 2]"));
  message = error_for_header(dir, "same_range.safetensors",
                             "{" + u8("a", 2, 0, 2) + "," + u8("b", 2, 0, 2) + "}", "xy");
  CHECK(contains(message, "overlap tensor 'a'"));
  message =
      error_for_header(dir, "gap.safetensors", "{" + u8("a", 1, 0, 1) + "," + u8("b", 1, 2, 3) + "}", "xyz");
  CHECK(contains(
      message,
      "tensor 'b': data_offsets [2, 3] leave a gap: bytes [1, 2] of the data section belong to no tensor"));
  message = error_for_header(dir, "gap_first.safetensors", "{" + u8("a", 1, 1, 2) + "}", "xy");
  CHECK(contains(message, "tensor 'a': data_offsets [1, 2] leave a gap"));
  message = error_for_header(dir, "trailing.safetensors", "{" + u8("a", 1, 0, 1) + "}", "xyz");
  CHECK(contains(
      message,
      "the tensors cover 1 bytes but the data section holds 3 (2 trailing bytes belong to no tensor)"));
  message = error_for_header(dir, "no_tensors_but_data.safetensors", "{}", "x");
  CHECK(contains(message, "trailing bytes"));
}

TEST_CASE("empty tensors may share an offset; header order does not matter") {
  ScratchDir dir;
  const std::string path = dir.file("shared_offset.safetensors");
  testing::write_bytes(path, safetensors_bytes("{" + u8("z", 2, 0, 2) + "," + u8("e", 0, 0, 0) + "," +
                                                   u8("f", 0, 2, 2) + "," + u8("a", 1, 2, 3) + "}",
                                               "xyz"));
  const SafeTensorsFile file = SafeTensorsFile::open(path);
  CHECK(file.names() == std::vector<std::string>{"a", "e", "f", "z"});
  CHECK(file.get("e").data == nullptr);
  CHECK(std::string(static_cast<const char*>(file.get("a").data), 1) == "z");
}

TEST_CASE("BOOL bytes other than 0 and 1") {
  ScratchDir dir;
  const std::string message = error_for_header(
      dir, "bool.safetensors", "{\"m\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[0,3]}}",
      std::string("\1\0\2", 3));
  CHECK(contains(message, "tensor 'm': BOOL element 2 holds byte value 2; only 0 and 1 are valid"));
}

TEST_CASE("asking for a tensor the file lacks") {
  const std::string path = testing::fixture_path("io/reference_plain.safetensors");
  const SafeTensorsFile file = SafeTensorsFile::open(path);
  CHECK_FALSE(file.contains("decoder.weight"));
  std::string message = "(no error)";
  try {
    file.get("decoder.weight");
  } catch (const std::runtime_error& error) {
    message = error.what();
  }
  CHECK(contains(message, "'" + path + "': no tensor named 'decoder.weight'"));
}
