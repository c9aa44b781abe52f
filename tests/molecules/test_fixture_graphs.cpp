// Every SMILES of the molecule fixture against RDKit's graph for it
// (tests/fixtures/molecules/cases.jsonl, from tools/reference/make_ogb_features.py).
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "chem/graph_json.h"
#include "chem/molecule_graph.h"
#include "chem/smiles_file.h"
#include "tests/molecules/graph_compare.h"
#include "tests/test_support.h"

using nlammr::testing::fixture_path;

TEST_CASE("fixture SMILES give RDKit's OGB graphs atom by atom and bond by bond") {
  const auto records = nlammr::testing::read_json_lines(fixture_path("molecules/cases.jsonl"));
  int compared = 0, rejected = 0;
  for (const auto& record : records) {
    const std::string smiles = record.at("smiles").get<std::string>();
    INFO("SMILES: " << smiles);
    if (record.contains("error")) {
      // RDKit rejects it; so must nlammr.
      CHECK_THROWS_AS(nlammr::smiles_to_graph(smiles), std::runtime_error);
      ++rejected;
      continue;
    }
    const nlammr::MolGraph reference = nlammr::mol_graph_from_json(record);
    nlammr::MolGraph ours;
    REQUIRE_NOTHROW(ours = nlammr::smiles_to_graph(smiles));
    const std::string difference = nlammr::testing::first_difference(ours, reference);
    CHECK_MESSAGE(difference.empty(), smiles << ": " << difference);
    CHECK(ours.smiles == smiles);
    ++compared;
  }
  MESSAGE(compared << " graphs compared, " << rejected << " rejections checked");
  CHECK(compared >= 200);
  CHECK(rejected >= 10);
}

TEST_CASE("the molecule fixture's reference covers exactly its SMILES file") {
  const auto entries = nlammr::read_smiles_file(fixture_path("molecules/cases.smi"));
  const auto records = nlammr::testing::read_json_lines(fixture_path("molecules/cases.jsonl"));
  REQUIRE(entries.size() == records.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    CHECK(entries[i].smiles == records[i].at("smiles").get<std::string>());
  }
}
