// The `nlammr featurize` command, run as a program (skipped if not built).
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <sys/wait.h>
#include <string>

#include "chem/graph_json.h"
#include "tests/molecules/graph_compare.h"
#include "tests/test_support.h"

namespace {

const std::string kProgram = std::string(NLAMMR_BINARY_DIR) + "/nlammr";

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("nlammr featurize writes the fixture's reference graphs") {
  if (!std::filesystem::exists(kProgram)) NLAMMR_SKIP("the nlammr program is not built");
  const std::string output = std::string(NLAMMR_BINARY_DIR) + "/molecules_featurize_cases.jsonl";
  const std::string command = "'" + kProgram + "' featurize --skip-invalid --smiles '" +
                              nlammr::testing::fixture_path("molecules/cases.smi") + "' --output '" + output +
                              "' 2> /dev/null";
  REQUIRE(std::system(command.c_str()) == 0);
  const auto written = nlammr::testing::read_json_lines(output);
  size_t next = 0;
  for (const auto& record :
       nlammr::testing::read_json_lines(nlammr::testing::fixture_path("molecules/cases.jsonl"))) {
    if (record.contains("error")) continue;  // skipped with a warning
    REQUIRE(next < written.size());
    INFO("SMILES: " << record.at("smiles").get<std::string>());
    CHECK(written[next].at("smiles") == record.at("smiles"));
    CHECK(nlammr::testing::first_difference(nlammr::mol_graph_from_json(written[next]),
                                            nlammr::mol_graph_from_json(record)) == "");
    ++next;
  }
  CHECK(next == written.size());
}

TEST_CASE("nlammr featurize names the file and line of an invalid SMILES") {
  if (!std::filesystem::exists(kProgram)) NLAMMR_SKIP("the nlammr program is not built");
  const std::string input = std::string(NLAMMR_BINARY_DIR) + "/molecules_featurize_bad.smi";
  const std::string errors = std::string(NLAMMR_BINARY_DIR) + "/molecules_featurize_bad.err";
  std::ofstream(input) << "CCO\nC1CC\n";
  const std::string strict =
      "'" + kProgram + "' featurize --smiles '" + input + "' > /dev/null 2> '" + errors + "'";
  CHECK(std::system(strict.c_str()) != 0);
  const std::string message = read_file(errors);
  CHECK(message.find(input + ":2: invalid SMILES 'C1CC'") != std::string::npos);
  const std::string lenient =
      "'" + kProgram + "' featurize --skip-invalid --smiles '" + input + "' > /dev/null 2> '" + errors + "'";
  CHECK(std::system(lenient.c_str()) == 0);
  CHECK(read_file(errors).find("1 molecules written, 1 skipped") != std::string::npos);
}

TEST_CASE("nlammr featurize --skip-invalid skips a SMILES beyond the limits with a message") {
  if (!std::filesystem::exists(kProgram)) NLAMMR_SKIP("the nlammr program is not built");
  const std::string input = std::string(NLAMMR_BINARY_DIR) + "/molecules_featurize_huge.smi";
  const std::string errors = std::string(NLAMMR_BINARY_DIR) + "/molecules_featurize_huge.err";
  std::ofstream(input) << "CCO\n" << std::string(100000, 'c') << "\nc1ccccc1\n";
  const std::string lenient =
      "'" + kProgram + "' featurize --skip-invalid --smiles '" + input + "' > /dev/null 2> '" + errors + "'";
  CHECK(std::system(lenient.c_str()) == 0);
  const std::string message = read_file(errors);
  CHECK(message.find(input + ":2: skipping") != std::string::npos);
  CHECK(message.find("length 100000 exceeds the limit") != std::string::npos);
  CHECK(message.find("2 molecules written, 1 skipped") != std::string::npos);
  const std::string strict =
      "'" + kProgram + "' featurize --smiles '" + input + "' > /dev/null 2> '" + errors + "'";
  const int status = std::system(strict.c_str());
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 1);
  CHECK(read_file(errors).find(input + ":2: invalid SMILES") != std::string::npos);
}
