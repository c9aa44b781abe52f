// The ATC level-3 name table.
#include <doctest/doctest.h>

#include <cctype>
#include <set>
#include <sstream>

#include "data/cohort/atc3_names.h"
#include "io/text_table.h"
#include "tests/test_support.h"

using namespace nlammr;

TEST_CASE("ATC3 names: known classes, unknown codes, lower case") {
  REQUIRE(atc3_name("N02B") != nullptr);
  CHECK(*atc3_name("N02B") == "Other analgesics and antipyretics");
  CHECK(*atc3_name("A02B") == "Drugs for peptic ulcer and gastro-oesophageal reflux disease (GORD)");
  CHECK(*atc3_name("B01A") == "Antithrombotic agents");
  CHECK(*atc3_name("C07A") == "Beta blocking agents");
  CHECK(*atc3_name("J01D") == "Other beta-lactam antibacterials");
  CHECK(*atc3_name("a10a") == "Insulins and analogues");
  CHECK(atc3_name("Z99Z") == nullptr);
  CHECK(atc3_name("N02") == nullptr);
  CHECK(atc3_name("N02BE") == nullptr);
  CHECK(atc3_name("") == nullptr);
  CHECK(std::string(atc1_name('n')) == "Nervous system");
  CHECK(atc1_name('Q') == nullptr);
}

TEST_CASE("ATC3 table: well-formed, sorted, unique, the whole level") {
  const auto& table = atc3_table();
  CHECK(table.size() >= 260);
  std::set<std::string> seen;
  for (size_t i = 0; i < table.size(); ++i) {
    const std::string& code = table[i].first;
    CAPTURE(code);
    REQUIRE(code.size() == 4);
    CHECK(std::isupper(static_cast<unsigned char>(code[0])));
    CHECK(std::isdigit(static_cast<unsigned char>(code[1])));
    CHECK(std::isdigit(static_cast<unsigned char>(code[2])));
    CHECK(std::isupper(static_cast<unsigned char>(code[3])));
    CHECK(atc1_name(code[0]) != nullptr);
    CHECK(!table[i].second.empty());
    CHECK(seen.insert(code).second);
    if (i > 0) CHECK(table[i - 1].first < code);
  }
}

TEST_CASE("ATC3 names cover every class of the shared MIMIC-III cohort") {
  const std::string path = testing::shared_data_path("mimic3/medications.vocab");
  if (path.empty()) NLAMMR_SKIP("../shared/data/mimic3 is absent");
  std::istringstream lines(read_text_file(path));
  std::string code;
  size_t n = 0;
  while (std::getline(lines, code)) {
    CAPTURE(code);
    CHECK(atc3_name(code) != nullptr);
    ++n;
  }
  CHECK(n == 112);
}
