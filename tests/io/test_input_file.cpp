// Every reader opens its input through open_input_file: a FIFO, a directory
// or a device is an error naming the path, never a read that blocks.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <stdexcept>
#include <string>

#include "io/atomic_file.h"
#include "io/csv_reader.h"
#include "io/input_file.h"
#include "io/safetensors.h"
#include "chem/smiles_file.h"
#include "io/text_table.h"
#include "models/bert/json_fields.h"
#include "models/bert/tokenizer/vocab.h"
#include "tests/test_support.h"

using namespace nlammr;

namespace {

template <typename F>
std::string error_of(F&& read) {
  try {
    read();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("input files: a FIFO is rejected by every reader instead of blocking") {
  testing::ScratchDir dir("input_fifo");
  const std::string fifo = dir.file("config.json");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const std::string expected = fifo + ": is a FIFO (named pipe), not a regular file";
  CHECK(error_of([&] { read_input_file(fifo); }).find(expected) == 0);
  CHECK(error_of([&] { read_file(fifo); }).find(expected) == 0);
  CHECK(error_of([&] { JsonFields::from_file(fifo); }).find(expected) == 0);
  CHECK(error_of([&] { Vocab::from_file(fifo); }).find(expected) == 0);
  CHECK(error_of([&] { SafeTensorsFile::open(fifo); }).find(expected) != std::string::npos);
  CHECK(error_of([&] { CsvReader reader(fifo); }).find(expected) == 0);
  CHECK(error_of([&] { read_text_file(fifo); }).find(expected) == 0);
  CHECK(error_of([&] { read_smiles_file(fifo); }).find(expected) == 0);
}

TEST_CASE("input files: a directory, a device and a missing file are errors naming the path") {
  testing::ScratchDir dir("input_kinds");
  CHECK(error_of([&] { read_input_file(dir.path()); }).find(dir.path() + ": is a directory") == 0);
  CHECK(error_of([&] { read_input_file("/dev/zero"); }).find("/dev/zero: is a character device") == 0);
  CHECK(error_of([&] { read_input_file(dir.file("absent")); }).find(dir.file("absent") + ": cannot open file") == 0);
  const std::string path = dir.write("plain.txt", "abc\n");
  CHECK(read_input_file(path) == "abc\n");
}
