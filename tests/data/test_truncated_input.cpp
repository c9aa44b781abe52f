// Compressed input cut short or damaged is an error naming the file, never a
// shorter table read as if it were whole.
#include <doctest/doctest.h>

#include <zlib.h>

#include <filesystem>

#include "io/atomic_file.h"
#include "io/csv_reader.h"
#include "data/mimic/prepare.h"
#include "io/text_table.h"
#include "tests/data/data_test_helpers.h"
#include "tests/fixture_bundle.h"

using namespace nlammr;
using nlammr::testing::ScratchDir;
using nlammr::testing::write_text;

namespace {

// The gzip form of `text`, as gzopen writes it.
std::string gzip_bytes(const ScratchDir& dir, const std::string& text) {
  const std::string path = dir.file("whole.gz");
  gzFile gz = gzopen(path.c_str(), "wb");
  REQUIRE(gz != nullptr);
  REQUIRE(gzwrite(gz, text.data(), static_cast<unsigned>(text.size())) == static_cast<int>(text.size()));
  gzclose(gz);
  return read_file(path);
}

std::string rows_of_text(int rows) {
  std::string text = "A,B\n";
  for (int i = 0; i < rows; ++i) text += std::to_string(i) + ",value " + std::to_string(i * 7919 % 1000) + "\n";
  return text;
}

size_t count_records(const std::string& path) {
  CsvReader reader(path);
  std::vector<std::string> fields;
  size_t n = 0;
  while (reader.next(fields)) ++n;
  return n;
}

}  // namespace

TEST_CASE("gzip input cut mid-stream or before its trailer is an error naming the file") {
  ScratchDir dir("gz_truncated");
  const std::string text = rows_of_text(2000);
  const std::string whole = gzip_bytes(dir, text);
  REQUIRE(whole.size() > 64);
  write_text(dir.file("whole.csv.gz"), whole);
  CHECK(count_records(dir.file("whole.csv.gz")) == 2001);

  for (size_t keep : {whole.size() / 2, whole.size() - 4, whole.size() - 1}) {
    CAPTURE(keep);
    write_text(dir.file("cut.csv.gz"), whole.substr(0, keep));
    std::string error = NLAMMR_ERROR_OF(count_records(dir.file("cut.csv.gz")));
    CHECK(error.find("cut.csv.gz") != std::string::npos);
    CHECK(error.find("truncated") != std::string::npos);
    error = NLAMMR_ERROR_OF(read_text_file(dir.file("cut.csv.gz")));
    CHECK(error.find("cut.csv.gz: the gzip stream is truncated") != std::string::npos);
  }
}

TEST_CASE("gzip input with a flipped bit is an error naming the file") {
  ScratchDir dir("gz_flipped");
  std::string bytes = gzip_bytes(dir, rows_of_text(2000));
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x10);
  write_text(dir.file("flipped.csv.gz"), bytes);
  const std::string error = NLAMMR_ERROR_OF(count_records(dir.file("flipped.csv.gz")));
  CHECK(error.find("flipped.csv.gz") != std::string::npos);
}

TEST_CASE("prepare: a truncated ADMISSIONS, PRESCRIPTIONS or DIAGNOSES_ICD .csv.gz stops it naming the file") {
  namespace fs = std::filesystem;
  const std::string mini = testing::unpack_fixture_bundle("data/mimic3-mini.bundle");
  for (const std::string table : {"ADMISSIONS", "PRESCRIPTIONS", "DIAGNOSES_ICD"}) {
    CAPTURE(table);
    ScratchDir mimic("gz_prepare_in_" + table);
    ScratchDir out("gz_prepare_out_" + table);
    fs::copy(mini, mimic.path(), fs::copy_options::recursive);
    // The table as gzip, cut in the middle of its compressed stream.
    const std::string plain = mimic.file(table + ".csv");
    const std::string text = fs::exists(plain) ? read_file(plain) : read_text_file(plain + ".gz");
    fs::remove(plain);
    const std::string whole = gzip_bytes(mimic, text);
    write_text(mimic.file(table + ".csv.gz"), whole.substr(0, whole.size() * 2 / 3));

    PrepareOptions o;
    o.version = MimicVersion::kMimic3;
    o.mimic_dir = mimic.path();
    o.out_dir = out.path();
    o.ddi_selection.top_k = 2;
    const std::string error = NLAMMR_ERROR_OF(prepare_mimic(o));
    CHECK(error.find(table + ".csv.gz: the gzip stream is truncated") != std::string::npos);
    CHECK_FALSE(fs::exists(out.file("cohort.jsonl")));
  }
}
