// The GIN's behaviour beyond parity: finite-difference gradients of the whole
// encoder, training/evaluation modes and dropout, class means, shapes, and
// the errors for bad input.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "models/gin/graph_batch.h"
#include "chem/molecule_graph.h"
#include "models/gin/gin_encoder.h"
#include "tests/engine/gradcheck.h"
#include "tests/test_support.h"

using namespace nlammr;

namespace {

std::vector<MolGraph> graphs_of(const std::vector<std::string>& smiles) {
  std::vector<MolGraph> graphs;
  for (const std::string& s : smiles) graphs.push_back(smiles_to_graph(s));
  return graphs;
}

// Three small molecules in two classes, and an empty third class.
GraphTensors small_classes() {
  const auto graphs = graphs_of({"CC(=O)O", "c1ccncc1", "OC=CN"});
  return make_graph_tensors(make_class_graph_batch({{graphs[0], graphs[1]}, {graphs[2]}, {}}));
}

bool same_values(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && a.to_vector<float>() == b.to_vector<float>();
}

// Every parameter, nudged away from its default so that a term multiplied by
// a default 0 (eps) or 1 still shows in the gradients.
void perturb_parameters(nn::Module& module, uint64_t seed) {
  Generator gen(seed);
  NoGradGuard no_grad;
  for (const auto& [name, p] : module.named_parameters()) {
    Tensor noise = rand_uniform(p.shape(), -0.2, 0.2, gen, p.dtype());
    Tensor moved = p.detach() + noise;
    double* data = p.data<double>();
    const std::vector<double> values = moved.to_vector<double>();
    std::copy(values.begin(), values.end(), data);
  }
}

}  // namespace

TEST_CASE("GIN gradients agree with finite differences in float64, whole encoder, both modes") {
  const GraphTensors graphs = small_classes();
  struct Case {
    const char* label;
    GinConfig config;
  };
  GinConfig plain;
  plain.num_layers = 2;
  plain.emb_dim = 4;
  plain.dropout = 0.0;
  GinConfig variant = plain;
  variant.num_layers = 3;
  variant.residual = true;
  variant.jk = "sum";
  variant.pooling = "sum";
  for (const Case& c :
       {Case{"JK last, mean pooling", plain}, Case{"residual, JK sum, sum pooling", variant}}) {
    for (const bool training : {false, true}) {
      INFO(c.label << (training ? ", training mode" : ", evaluation mode"));
      Generator gen(11);
      GinEncoder gin(c.config, gen, std::make_shared<Generator>(12), DType::Float64);
      perturb_parameters(gin, 13);
      gin.train(training);
      std::string where;
      const double err = testing::gradcheck_error(
          gin.parameters(), [&](const std::vector<Tensor>&) { return gin.class_embeddings(graphs); }, &where);
      INFO("worst mismatch at " << where);
      CHECK(err <= 1e-6);
    }
  }
}

TEST_CASE("GIN shapes: atoms to nodes to graphs to classes") {
  const GraphTensors graphs = small_classes();
  CHECK(graphs.num_graphs == 3);
  CHECK(graphs.num_classes == 3);
  CHECK(graphs.num_nodes == 4 + 6 + 4);
  CHECK(graphs.atom_features.shape() == Shape{kNumAtomFeatures, 14});
  CHECK(graphs.bond_features.shape() == Shape{kNumBondFeatures, graphs.num_edges});
  Generator gen(1);
  GinEncoder gin(GinConfig{}, gen, std::make_shared<Generator>(2));
  gin.eval();
  CHECK(gin.node_embeddings(graphs).shape() == Shape{14, 64});
  const Tensor graph_embeddings = gin.forward(graphs);
  CHECK(graph_embeddings.shape() == Shape{3, 64});
  CHECK(gin.class_embeddings(graphs).shape() == Shape{3, 64});
}

TEST_CASE("bond embeddings through the combination table equal the sum of per-feature lookups") {
  // Every bond feature combination once, in a random order, plus repeats.
  std::vector<int32_t> rows;
  std::vector<int32_t> ids;
  Generator pick(9);
  for (int i = 0; i < 200; ++i) {
    std::array<int32_t, kNumBondFeatures> v{};
    for (int k = 0; k < kNumBondFeatures; ++k)
      v[k] = static_cast<int32_t>(std::min<double>(pick.uniform() * kBondFeatureSizes[k], kBondFeatureSizes[k] - 1));
    rows.insert(rows.end(), v.begin(), v.end());
    ids.push_back(static_cast<int32_t>(combination_id(v.data(), kBondFeatureSizes.data(), kNumBondFeatures)));
  }
  const int64_t n = static_cast<int64_t>(ids.size());
  std::vector<int32_t> feature_major(rows.size());
  for (int64_t e = 0; e < n; ++e)
    for (int k = 0; k < kNumBondFeatures; ++k) feature_major[k * n + e] = rows[e * kNumBondFeatures + k];
  const std::vector<int64_t> sizes(kBondFeatureSizes.begin(), kBondFeatureSizes.end());
  Generator gen(4);
  FeatureEmbeddingSum bonds("bond_embedding_list", sizes, 16, gen, DType::Float64);
  const Tensor features = Tensor::from_vector(feature_major, {kNumBondFeatures, n});
  const Tensor upstream = randn({n, 16}, gen, DType::Float64);

  auto grads_of = [&](const Tensor& out) {
    bonds.zero_grad();
    sum(out * upstream).backward();
    std::vector<Tensor> grads;
    for (const Tensor& t : bonds.tables()) grads.push_back(t.grad());
    return grads;
  };
  const Tensor direct = bonds.forward(features);
  const std::vector<Tensor> direct_grads = grads_of(direct);
  const Tensor combined = bonds.forward_combined(Tensor::from_vector(ids, {n}));
  const std::vector<Tensor> combined_grads = grads_of(combined);
  // The same additions in the same order: identical values.
  CHECK(direct.to_vector<double>() == combined.to_vector<double>());
  // The gradients sum the same terms grouped by combination first.
  for (size_t k = 0; k < direct_grads.size(); ++k) {
    const std::vector<double> a = direct_grads[k].to_vector<double>(), b = combined_grads[k].to_vector<double>();
    double worst = 0.0;
    for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::fabs(a[i] - b[i]));
    CHECK(worst <= 1e-12);
  }
  // make_graph_tensors numbers a batch's bonds the same way.
  const GraphTensors graphs = small_classes();
  const std::vector<int32_t> per_feature = graphs.bond_features.to_vector<int32_t>();
  const std::vector<int32_t> numbered = graphs.bond_combinations.to_vector<int32_t>();
  REQUIRE(static_cast<int64_t>(numbered.size()) == graphs.num_edges);
  for (int64_t e = 0; e < graphs.num_edges; ++e) {
    const int32_t v[kNumBondFeatures] = {per_feature[e], per_feature[graphs.num_edges + e],
                                         per_feature[2 * graphs.num_edges + e]};
    CHECK(numbered[e] == combination_id(v, kBondFeatureSizes.data(), kNumBondFeatures));
  }
}

TEST_CASE("atom kinds and bond combinations change no value of the GIN") {
  const GraphTensors graphs = small_classes();
  // Each atom's kind holds exactly its features.
  const std::vector<int32_t> features = graphs.atom_features.to_vector<int32_t>();
  const std::vector<int32_t> kinds = graphs.atom_kinds.to_vector<int32_t>();
  const std::vector<int32_t> kind_of = graphs.atom_kind_of.to_vector<int32_t>();
  const int64_t n = graphs.num_nodes, num_kinds = graphs.atom_kinds.size(1);
  CHECK(num_kinds < n);  // the small molecules share kinds of atom
  for (int64_t v = 0; v < n; ++v)
    for (int k = 0; k < kNumAtomFeatures; ++k) CHECK(kinds[k * num_kinds + kind_of[v]] == features[k * n + v]);

  // The same graphs without the precomputed ids take the direct lookups.
  GraphTensors direct = graphs;
  direct.atom_kinds = direct.atom_kind_of = direct.bond_combinations = Tensor();
  for (const bool training : {false, true}) {
    INFO("training mode: " << training);
    Generator gen(5);
    GinConfig config;
    config.dropout = 0.0;
    GinEncoder gin(config, gen, std::make_shared<Generator>(6), DType::Float64);
    perturb_parameters(gin, 7);
    gin.train(training);
    auto run = [&](const GraphTensors& g) {
      gin.zero_grad();
      Tensor out = gin.forward(g);
      sum(out * out).backward();
      std::vector<std::vector<double>> grads;
      for (const Tensor& p : gin.parameters()) grads.push_back(p.grad().to_vector<double>());
      return std::make_pair(out.to_vector<double>(), grads);
    };
    const auto [out_ids, grads_ids] = run(graphs);
    const auto [out_direct, grads_direct] = run(direct);
    CHECK(out_ids == out_direct);  // the same sums in the same order
    // Gradients: the same terms, grouped by kind first; relative to the largest.
    double worst = 0.0, scale = 1.0;
    for (size_t i = 0; i < grads_ids.size(); ++i)
      for (size_t j = 0; j < grads_ids[i].size(); ++j) {
        worst = std::max(worst, std::fabs(grads_ids[i][j] - grads_direct[i][j]));
        scale = std::max(scale, std::fabs(grads_direct[i][j]));
      }
    CHECK(worst / scale <= 1e-13);
  }
}

TEST_CASE("a class is the mean of its molecules' embeddings, and a class without molecules is zero") {
  const GraphTensors graphs = small_classes();
  Generator gen(1);
  GinEncoder gin(GinConfig{}, gen, std::make_shared<Generator>(2));
  gin.eval();
  const std::vector<float> g = gin.forward(graphs).to_vector<float>();
  const std::vector<float> c = gin.class_embeddings(graphs).to_vector<float>();
  for (int j = 0; j < 64; ++j) {
    CHECK(c[j] == doctest::Approx((g[j] + g[64 + j]) / 2).epsilon(1e-6));
    CHECK(c[64 + j] == g[128 + j]);
    CHECK(c[128 + j] == 0.0f);
  }
}

TEST_CASE("GIN evaluation is deterministic, and dropout acts in training mode only, from its generator") {
  const GraphTensors graphs = small_classes();
  Generator gen(1);
  auto dropout_gen = std::make_shared<Generator>(5);
  GinEncoder gin(GinConfig{}, gen, dropout_gen);  // dropout 0.7, NLA-MMR's setting

  gin.eval();
  const Tensor first = gin.forward(graphs);
  CHECK(same_values(first, gin.forward(graphs)));
  CHECK(dropout_gen->offset() == 0);  // evaluation draws no masks

  gin.train();
  dropout_gen->set_state(5, 0);
  const Tensor masked = gin.forward(graphs);
  CHECK(dropout_gen->offset() > 0);
  const Tensor masked_again = gin.forward(graphs);
  CHECK_FALSE(same_values(masked, masked_again));  // a new mask each call
  dropout_gen->set_state(5, 0);
  CHECK(same_values(masked, gin.forward(graphs)));  // same generator state, same masks
}

TEST_CASE("GIN batch norms update running statistics and counts in training mode only") {
  const GraphTensors graphs = small_classes();
  Generator gen(1);
  GinEncoder gin(GinConfig{}, gen, std::make_shared<Generator>(2));
  const auto before = gin.state_dict();
  const std::string mean_key = "gnn_node.batch_norms.0.running_mean";
  const std::string count_key = "gnn_node.convs.0.mlp.1.num_batches_tracked";
  const std::vector<float> initial_mean = before.at(mean_key).to_vector<float>();
  gin.eval();
  gin.forward(graphs);
  CHECK(gin.state_dict().at(mean_key).to_vector<float>() == initial_mean);
  CHECK(gin.state_dict().at(count_key).item<int64_t>() == 0);
  gin.train();
  gin.forward(graphs);
  gin.forward(graphs);
  CHECK(gin.state_dict().at(mean_key).to_vector<float>() != initial_mean);
  CHECK(gin.state_dict().at(count_key).item<int64_t>() == 2);
}

TEST_CASE("GIN configuration and inputs are checked") {
  Generator gen(1);
  auto dropout_gen = std::make_shared<Generator>(2);
  auto build = [&](GinConfig config) { GinEncoder gin(config, gen, dropout_gen); };
  GinConfig config;
  config.num_layers = 1;
  CHECK_THROWS_WITH_AS(build(config), "GinConfig: num_layers must be at least 2, got 1", std::runtime_error);
  config = GinConfig{};
  config.jk = "concat";
  CHECK_THROWS_WITH_AS(build(config), "GinConfig: jk must be \"last\" or \"sum\", got \"concat\"",
                       std::runtime_error);
  config = GinConfig{};
  config.pooling = "max";
  CHECK_THROWS_AS(build(config), std::runtime_error);
  config = GinConfig{};
  config.dropout = 1.0;
  CHECK_THROWS_AS(build(config), std::runtime_error);

  GinEncoder gin(GinConfig{}, gen, dropout_gen);
  // Graphs without classes have no class embeddings.
  const GraphTensors plain = make_graph_tensors(make_graph_batch(graphs_of({"CCO", "CN"})));
  CHECK(plain.num_classes == 0);
  CHECK_THROWS_WITH_AS(gin.class_embeddings(plain), doctest::Contains("the graph tensors carry no classes"),
                       std::runtime_error);
  // A training batch needs more than one atom for batch statistics.
  gin.train();
  const GraphTensors one_atom = make_graph_tensors(make_graph_batch(graphs_of({"C"})));
  CHECK_THROWS_WITH_AS(gin.forward(one_atom), doctest::Contains("more than one row"), std::runtime_error);

  // A hand-assembled batch with a feature outside its table is refused by name.
  GraphBatch bad = make_graph_batch(graphs_of({"CCO"}));
  bad.node_feat[1 * kNumAtomFeatures + kAtomicNumber] = 200;
  CHECK_THROWS_WITH_AS(make_graph_tensors(bad),
                       "make_graph_tensors: node 1: feature 0 is 200, outside [0, 119)", std::runtime_error);
  GraphBatch bad_edges = make_graph_batch(graphs_of({"C=C"}));
  bad_edges.edge_feat[kBondStereo] = -1;
  CHECK_THROWS_WITH_AS(make_graph_tensors(bad_edges), doctest::Contains("feature 1 is -1, outside [0, 6)"),
                       std::runtime_error);
  GraphBatch truncated = make_graph_batch(graphs_of({"CCO"}));
  truncated.src.pop_back();
  CHECK_THROWS_WITH_AS(make_graph_tensors(truncated),
                       doctest::Contains("GraphBatch.src has 3 entries, expected 4"), std::runtime_error);
}

TEST_CASE("GIN initialises each layer like its PyTorch counterpart") {
  Generator gen(7);
  GinEncoder gin(GinConfig{}, gen, std::make_shared<Generator>(8));
  const auto state = gin.state_dict();
  // Values lie within the bound and come close to it (uniform draws).
  auto check_uniform = [&](const std::string& key, double bound) {
    INFO(key);
    double largest = 0.0;
    for (float v : state.at(key).to_vector<float>()) largest = std::max(largest, std::fabs(double(v)));
    CHECK(largest <= bound);
    CHECK(largest >= 0.95 * bound);
  };
  // Embedding tables: xavier-uniform, bound sqrt(6 / (rows + 64)).
  check_uniform("gnn_node.atom_encoder.atom_embedding_list.0.weight", std::sqrt(6.0 / (119 + 64)));
  check_uniform("gnn_node.convs.2.bond_encoder.bond_embedding_list.1.weight", std::sqrt(6.0 / (6 + 64)));
  // Linear layers: U(-1/sqrt(in), 1/sqrt(in)) for weight and bias.
  check_uniform("gnn_node.convs.0.mlp.0.weight", 1.0 / std::sqrt(64.0));
  check_uniform("gnn_node.convs.0.mlp.3.weight", 1.0 / std::sqrt(128.0));
  check_uniform("gnn_node.convs.4.mlp.3.bias", 1.0 / std::sqrt(128.0));
  CHECK(state.at("gnn_node.convs.1.eps").item<float>() == 0.0f);
  for (float v : state.at("gnn_node.batch_norms.3.weight").to_vector<float>()) CHECK(v == 1.0f);
  for (float v : state.at("gnn_node.convs.3.mlp.1.running_var").to_vector<float>()) CHECK(v == 1.0f);
  for (float v : state.at("gnn_node.convs.3.mlp.1.bias").to_vector<float>()) CHECK(v == 0.0f);
}
