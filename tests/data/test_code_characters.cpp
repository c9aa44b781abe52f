// A control character inside an ICD code is an error naming the file and the
// line, not a new code.
#include <doctest/doctest.h>

#include <filesystem>

#include "io/atomic_file.h"
#include "data/mimic/prepare.h"
#include "io/text_table.h"
#include "tests/data/data_test_helpers.h"
#include "tests/fixture_bundle.h"

using namespace nlammr;
using nlammr::testing::ScratchDir;

TEST_CASE("prepare: an ICD code with a control character stops it, naming the file and the line") {
  namespace fs = std::filesystem;
  const std::string mini = testing::unpack_fixture_bundle("data/mimic3-mini.bundle");
  for (const std::string table : {"DIAGNOSES_ICD.csv.gz", "PROCEDURES_ICD.csv", "D_ICD_DIAGNOSES.csv"}) {
    CAPTURE(table);
    ScratchDir mimic("icd_control_in"), out("icd_control_out");
    fs::copy(mini, mimic.path(), fs::copy_options::recursive);
    std::string text = read_text_file(mimic.file(table));
    // The code of the table's second data line gets a control byte.
    std::vector<std::string> lines = split(text, '\n');
    REQUIRE(lines.size() > 3);
    std::vector<std::string> fields = split(lines[2], ',');
    const size_t code_field = table == "D_ICD_DIAGNOSES.csv" ? 1 : 4;
    REQUIRE(fields.size() > code_field);
    fields[code_field].insert(1, "\x01");
    lines[2] = join(fields, ",");
    const std::string damaged = join(lines, "\n");
    fs::remove(mimic.file(table));
    testing::write_bundle_file(mimic.file(table), damaged);

    PrepareOptions o;
    o.version = MimicVersion::kMimic3;
    o.mimic_dir = mimic.path();
    o.out_dir = out.path();
    o.ddi_selection.top_k = 2;
    const std::string error = NLAMMR_ERROR_OF(prepare_mimic(o));
    CHECK(error.find(mimic.file(table) + ":3: ICD code contains the control character 0x01") == 0);
  }
}
