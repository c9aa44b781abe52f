// Invalid SMILES, the batch helper, and SMILES files.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "chem/molecule_graph.h"
#include "chem/smiles_file.h"
#include "tests/molecules/graph_compare.h"
#include "tests/test_support.h"

namespace {

std::string error_of(const std::string& smiles) {
  try {
    nlammr::smiles_to_graph(smiles);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

std::string write_temp_file(const std::string& name, const std::string& text) {
  const std::string path = std::string(NLAMMR_BINARY_DIR) + "/" + name;
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("invalid SMILES throw an error naming the string and the problem") {
  struct Case {
    const char* smiles;
    const char* problem;
  };
  const Case cases[] = {
      {"", "empty"},
      {"C(C", "'('"},
      {"CC)C", "')'"},
      {"C1CC", "ring closure 1 is not closed"},
      {"C11", "itself"},
      {"C1C1", "duplicates a bond"},
      {"C==C", "bond symbol"},
      {"CC((C))", "branch"},
      {"[Xx]", "unknown element"},
      {"C(C)(C)(C)(C)C", "valence"},
      {"[CH5]", "valence"},
      {"N(C)(C)(C)C", "valence"},
      {"c1cccc1", "kekulized"},
      {"c1ccccc1c", "kekulized"},
      {"*C", "wildcard"},
      {"C->[Fe]", "dative"},
      {"[C@SP1](F)(Cl)(Br)I", "chirality"},
      {"HC", "hydrogen"},
  };
  for (const Case& c : cases) {
    const std::string message = error_of(c.smiles);
    INFO("SMILES: '" << c.smiles << "', message: " << message);
    CHECK(message.find("invalid SMILES '" + std::string(c.smiles) + "'") == 0);
    CHECK(message.find(c.problem) != std::string::npos);
  }
}

// Pairs of SMILES for the same molecule with the same heavy-atom order.
TEST_CASE("explicit hydrogen atoms give the same graph as implicit hydrogens") {
  const std::pair<const char*, const char*> pairs[] = {
      {"[H]C([H])([H])[H]", "C"},
      {"[H]OC([H])([H])C", "OCC"},
      {"[H][C@](F)(Cl)Br", "[C@H](F)(Cl)Br"},
      {"F[C@]([H])(Cl)Br", "F[C@H](Cl)Br"},
      {"[H]/C(C)=C/C", "C(/C)=C/C"},
  };
  for (const auto& [with_h, without_h] : pairs) {
    const auto& explicit_h = with_h;  // INFO captures in a lambda; C++17 cannot capture a binding
    const auto& implicit_h = without_h;
    INFO(explicit_h << " vs " << implicit_h);
    const nlammr::MolGraph a = nlammr::smiles_to_graph(with_h);
    const nlammr::MolGraph b = nlammr::smiles_to_graph(without_h);
    CHECK(nlammr::testing::first_difference(a, b) == "");
  }
}

TEST_CASE("smiles_to_graphs skips invalid SMILES only when asked") {
  const std::vector<std::string> smiles = {"CCO", "C(C", "c1ccccc1"};
  const auto graphs = nlammr::smiles_to_graphs(smiles, /*skip_invalid=*/true);
  REQUIRE(graphs.size() == 2);
  CHECK(graphs[0].smiles == "CCO");
  CHECK(graphs[1].smiles == "c1ccccc1");
  CHECK_THROWS_AS(nlammr::smiles_to_graphs(smiles, /*skip_invalid=*/false), std::runtime_error);
}

TEST_CASE("SMILES files: plain lines, medication table lines, comments") {
  const std::string path = write_temp_file("molecules_list.tsv",
                                           "atc3\tsmiles\n"
                                           "# a comment\n"
                                           "\n"
                                           "A01A\tCCO|c1ccccc1\n"
                                           "CC(=O)O\n");
  const auto entries = nlammr::read_smiles_file(path);
  REQUIRE(entries.size() == 3);
  CHECK(entries[0].smiles == "CCO");
  CHECK(entries[0].group == "A01A");
  CHECK(entries[0].line == 4);
  CHECK(entries[1].smiles == "c1ccccc1");
  CHECK(entries[2].smiles == "CC(=O)O");
  CHECK(entries[2].group == "");
  CHECK(entries[2].line == 5);
}

TEST_CASE("malformed SMILES file lines are reported with file and line") {
  const std::string path = write_temp_file("molecules_bad.smi", "CCO\nCC O\n");
  try {
    nlammr::read_smiles_file(path);
    FAIL("no error for a line with two fields");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find(path + ":2:") == 0);
  }
  const std::string tsv = write_temp_file("molecules_bad.tsv", "A01A\tCCO\textra\n");
  CHECK_THROWS_WITH_AS(nlammr::read_smiles_file(tsv), doctest::Contains(":1:"), std::runtime_error);
  CHECK_THROWS_AS(nlammr::read_smiles_file(std::string(NLAMMR_BINARY_DIR) + "/no_such_file.smi"),
                  std::runtime_error);
}
