// CSR batches of molecular graphs.
#include <doctest/doctest.h>

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "models/gin/graph_batch.h"
#include "chem/graph_json.h"
#include "tests/molecules/graph_compare.h"
#include "tests/test_support.h"

namespace {

std::vector<nlammr::MolGraph> fixture_graphs() {
  std::vector<nlammr::MolGraph> graphs;
  for (const auto& record :
       nlammr::testing::read_json_lines(nlammr::testing::fixture_path("molecules/cases.jsonl"))) {
    if (!record.contains("error")) graphs.push_back(nlammr::mol_graph_from_json(record));
  }
  return graphs;
}

void check_batch(const nlammr::GraphBatch& batch, const std::vector<nlammr::MolGraph>& graphs) {
  using nlammr::kNumAtomFeatures;
  using nlammr::kNumBondFeatures;
  REQUIRE(batch.num_graphs == static_cast<int64_t>(graphs.size()));
  REQUIRE(batch.node_offsets.size() == graphs.size() + 1);
  CHECK(batch.node_offsets.front() == 0);
  CHECK(batch.node_offsets.back() == batch.num_nodes);

  // Original edges, numbered in concatenation order, in batch node ids.
  std::vector<int64_t> src, dst;
  std::vector<std::array<int32_t, kNumBondFeatures>> feat;
  for (size_t g = 0; g < graphs.size(); ++g) {
    const int64_t first = batch.node_offsets[g];
    REQUIRE(batch.node_offsets[g + 1] - first == graphs[g].num_nodes);
    for (int64_t a = 0; a < graphs[g].num_nodes; ++a) {
      CHECK(batch.node_graph[first + a] == static_cast<int64_t>(g));
      for (int k = 0; k < kNumAtomFeatures; ++k) {
        CHECK(batch.node_feat[(first + a) * kNumAtomFeatures + k] == graphs[g].node_feat[a][k]);
      }
    }
    for (int64_t e = 0; e < graphs[g].num_edges(); ++e) {
      src.push_back(first + graphs[g].edge_src[e]);
      dst.push_back(first + graphs[g].edge_dst[e]);
      feat.push_back(graphs[g].edge_feat[e]);
    }
  }
  REQUIRE(batch.num_edges == static_cast<int64_t>(src.size()));
  REQUIRE(batch.dst_offsets.size() == static_cast<size_t>(batch.num_nodes + 1));
  CHECK(batch.dst_offsets.front() == 0);
  CHECK(batch.dst_offsets.back() == batch.num_edges);

  // The CSR edges are a permutation of the original ones ...
  std::vector<int64_t> origins = batch.edge_origin;
  std::sort(origins.begin(), origins.end());
  std::vector<int64_t> expected(batch.num_edges);
  std::iota(expected.begin(), expected.end(), 0);
  CHECK(origins == expected);
  // ... each carrying its own endpoints and features ...
  for (int64_t slot = 0; slot < batch.num_edges; ++slot) {
    const int64_t origin = batch.edge_origin[slot];
    CHECK(batch.src[slot] == src[origin]);
    CHECK(batch.dst[slot] == dst[origin]);
    for (int k = 0; k < kNumBondFeatures; ++k)
      CHECK(batch.edge_feat[slot * kNumBondFeatures + k] == feat[origin][k]);
  }
  // ... grouped by destination, in original order within a destination.
  for (int64_t v = 0; v < batch.num_nodes; ++v) {
    CHECK(batch.dst_offsets[v] <= batch.dst_offsets[v + 1]);
    const auto in_degree = std::count(dst.begin(), dst.end(), v);
    CHECK(batch.dst_offsets[v + 1] - batch.dst_offsets[v] == in_degree);
    for (int64_t slot = batch.dst_offsets[v]; slot < batch.dst_offsets[v + 1]; ++slot) {
      CHECK(batch.dst[slot] == v);
      if (slot > batch.dst_offsets[v]) CHECK(batch.edge_origin[slot - 1] < batch.edge_origin[slot]);
    }
  }
}

}  // namespace

TEST_CASE("a graph batch is the CSR form of the concatenated graphs") {
  const auto graphs = fixture_graphs();
  REQUIRE(graphs.size() > 100);
  const nlammr::GraphBatch batch = nlammr::make_graph_batch(graphs);
  check_batch(batch, graphs);
  CHECK(batch.num_edges > batch.num_nodes);  // the fixture has real molecules, not only ions
}

TEST_CASE("graph batches of one graph, graphs without bonds, and no graph at all") {
  const auto graphs = fixture_graphs();
  check_batch(nlammr::make_graph_batch({graphs[0]}), {graphs[0]});
  const auto ion =
      std::find_if(graphs.begin(), graphs.end(), [](const auto& g) { return g.num_edges() == 0; });
  REQUIRE(ion != graphs.end());
  check_batch(nlammr::make_graph_batch({*ion, graphs[5], *ion}), {*ion, graphs[5], *ion});
  const nlammr::GraphBatch empty = nlammr::make_graph_batch({});
  CHECK(empty.num_graphs == 0);
  CHECK(empty.node_offsets == std::vector<int64_t>{0});
  CHECK(empty.dst_offsets == std::vector<int64_t>{0});
}

TEST_CASE("class batches group the graphs of each medication class") {
  const auto graphs = fixture_graphs();
  const std::vector<std::vector<nlammr::MolGraph>> classes = {
      {graphs[10], graphs[11], graphs[12]}, {}, {graphs[20]}, {graphs[30], graphs[31]}};
  const nlammr::ClassGraphBatch batch = nlammr::make_class_graph_batch(classes);
  CHECK(batch.num_classes() == 4);
  CHECK(batch.class_offsets == std::vector<int64_t>{0, 3, 3, 4, 6});
  check_batch(batch.graphs, {graphs[10], graphs[11], graphs[12], graphs[20], graphs[30], graphs[31]});
}

TEST_CASE("inconsistent graphs are refused with the molecule named") {
  auto graphs = fixture_graphs();
  nlammr::MolGraph broken = graphs[40];
  REQUIRE(broken.num_edges() > 0);
  broken.edge_dst[0] = broken.num_nodes;
  CHECK_THROWS_WITH_AS(nlammr::make_graph_batch({graphs[0], broken}),
                       doctest::Contains(broken.smiles.c_str()), std::runtime_error);
  nlammr::MolGraph short_features = graphs[41];
  short_features.node_feat.pop_back();
  CHECK_THROWS_AS(nlammr::make_graph_batch({short_features}), std::runtime_error);
}
