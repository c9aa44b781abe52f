// The CSV reader: quoting, line ends, byte-order mark, gzip, errors.
#include <doctest/doctest.h>

#include <zlib.h>

#include "io/csv_reader.h"
#include "io/text_table.h"
#include "tests/data/data_test_helpers.h"

using namespace nlammr;
using nlammr::testing::ScratchDir;
using nlammr::testing::write_text;

namespace {

std::vector<std::vector<std::string>> read_all(const std::string& path, std::vector<size_t>* lines = nullptr) {
  CsvReader reader(path);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> fields;
  while (reader.next(fields)) {
    rows.push_back(fields);
    if (lines) lines->push_back(reader.record_line());
  }
  return rows;
}

}  // namespace

TEST_CASE("CSV: quoted commas, line breaks, doubled quotes, CRLF, blank lines, no final newline") {
  ScratchDir dir("csv");
  const std::string text =
      "\xEF\xBB\xBFROW_ID,DRUG,PROD_STRENGTH\r\n"
      "1,Heparin Sodium,\"25,000 unit Premix Bag\"\r\n"
      "\r\n"
      "2,\"Multi\nline\",\"say \"\"hi\"\"\"\r\n"
      "3,,\n"
      "4,last,\"\"";
  write_text(dir.file("t.csv"), text);
  std::vector<size_t> lines;
  const auto rows = read_all(dir.file("t.csv"), &lines);
  REQUIRE(rows.size() == 5);
  CHECK(rows[0] == std::vector<std::string>{"ROW_ID", "DRUG", "PROD_STRENGTH"});
  CHECK(rows[1] == std::vector<std::string>{"1", "Heparin Sodium", "25,000 unit Premix Bag"});
  CHECK(rows[2] == std::vector<std::string>{"2", "Multi\nline", "say \"hi\""});
  CHECK(rows[3] == std::vector<std::string>{"3", "", ""});
  CHECK(rows[4] == std::vector<std::string>{"4", "last", ""});
  CHECK(lines == std::vector<size_t>{1, 2, 4, 6, 7});
}

TEST_CASE("CSV: gzip input reads like plain text") {
  ScratchDir dir("csv_gz");
  const std::string text = "A,B\n1,\"x,y\"\n2,z\n";
  gzFile gz = gzopen(dir.file("t.csv.gz").c_str(), "wb");
  REQUIRE(gz != nullptr);
  gzwrite(gz, text.data(), static_cast<unsigned>(text.size()));
  gzclose(gz);
  const auto rows = read_all(dir.file("t.csv.gz"));
  REQUIRE(rows.size() == 3);
  CHECK(rows[1] == std::vector<std::string>{"1", "x,y"});
  CHECK(read_text_file(dir.file("t.csv.gz")) == text);
}

TEST_CASE("CSV: errors name the file and the line of the record") {
  ScratchDir dir("csv_errors");
  write_text(dir.file("open.csv"), "A,B\n1,2\n3,\"never closed\n4,5\n");
  std::string error = NLAMMR_ERROR_OF(read_all(dir.file("open.csv")));
  CHECK(error.find("open.csv:3: quoted field is never closed") != std::string::npos);
  write_text(dir.file("stray.csv"), "A,B\n1,\"x\"y\n");
  error = NLAMMR_ERROR_OF(read_all(dir.file("stray.csv")));
  CHECK(error.find("stray.csv:2: unexpected character after a closing quote") != std::string::npos);
  error = NLAMMR_ERROR_OF(CsvReader(dir.file("absent.csv")));
  CHECK(error.find("absent.csv: cannot open file") != std::string::npos);
  write_text(dir.file("empty.csv"), "");
  error = NLAMMR_ERROR_OF(CsvTable(dir.file("empty.csv")));
  CHECK(error.find("empty.csv: file is empty") != std::string::npos);
}

TEST_CASE("CSV header: case-insensitive lookup, clear error for a missing column") {
  ScratchDir dir("csv_header");
  write_text(dir.file("t.csv"), "subject_id,HADM_ID\n1,2\n");
  CsvTable table(dir.file("t.csv"));
  CHECK(table.header.require("SUBJECT_ID") == 0);
  CHECK(table.header.find("hadm_id") == 1);
  CHECK(table.header.find("NDC") == -1);
  const std::string error = NLAMMR_ERROR_OF(table.header.require("NDC"));
  CHECK(error.find("t.csv: missing column 'NDC' (the header has: subject_id, HADM_ID)") != std::string::npos);
}
