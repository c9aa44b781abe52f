// Helpers for the GIN tests: the molecule fixture's graphs grouped into the
// classes of the PyTorch reference (tools/reference/make_gin_fixtures.py),
// reference files, and the tolerance rules.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "models/gin/graph_batch.h"
#include "chem/molecule_graph.h"
#include "chem/smiles_file.h"
#include "io/tensor_file.h"
#include "models/gin/gin_encoder.h"
#include "tests/test_support.h"

namespace nlammr::testing {

using TensorMap = std::map<std::string, Tensor>;

inline const TensorMap& gin_reference(const std::string& name) {
  static std::map<std::string, TensorMap> cache;
  auto it = cache.find(name);
  if (it == cache.end())
    it = cache.emplace(name, load_tensors(fixture_path("molecules/gin_" + name + "_reference.safetensors")))
             .first;
  return it->second;
}

inline TensorMap gin_weights(const std::string& name) {
  return load_tensors(fixture_path("molecules/gin_" + name + "_weights.safetensors"));
}

inline const Tensor& reference_tensor(const TensorMap& reference, const std::string& key) {
  auto it = reference.find(key);
  if (it == reference.end()) throw std::runtime_error("GIN reference fixture has no tensor '" + key + "'");
  return it->second;
}

// nlammr's own graphs of every SMILES of cases.smi that it accepts, in file
// order, grouped by the reference's class_offsets. The reference built the
// same classes from RDKit's graphs (cases.jsonl); the featurizer tests show
// the graphs are identical, and graph_num_nodes checks the alignment here.
inline const ClassGraphBatch& fixture_class_batch() {
  static const ClassGraphBatch batch = [] {
    std::vector<MolGraph> graphs;
    for (const SmilesEntry& entry : read_smiles_file(fixture_path("molecules/cases.smi"))) {
      try {
        graphs.push_back(smiles_to_graph(entry.smiles));
      } catch (const std::runtime_error&) {
        // RDKit rejects it too; the reference has no graph for it.
      }
    }
    const TensorMap& reference = gin_reference("default");
    const std::vector<int64_t> sizes = reference_tensor(reference, "graph_num_nodes").to_vector<int64_t>();
    const std::vector<int64_t> offsets = reference_tensor(reference, "class_offsets").to_vector<int64_t>();
    if (sizes.size() != graphs.size())
      throw std::runtime_error("GIN fixture: " + std::to_string(graphs.size()) + " graphs, reference has " +
                               std::to_string(sizes.size()));
    for (size_t g = 0; g < graphs.size(); ++g)
      if (graphs[g].num_nodes != sizes[g])
        throw std::runtime_error("GIN fixture: graph " + std::to_string(g) + " (" + graphs[g].smiles +
                                 ") has " + std::to_string(graphs[g].num_nodes) + " atoms, reference " +
                                 std::to_string(sizes[g]));
    std::vector<std::vector<MolGraph>> per_class;
    for (size_t c = 0; c + 1 < offsets.size(); ++c)
      per_class.emplace_back(graphs.begin() + offsets[c], graphs.begin() + offsets[c + 1]);
    return make_class_graph_batch(per_class);
  }();
  return batch;
}

// The configurations of the reference script.
inline GinConfig gin_config(const std::string& name) {
  GinConfig config;
  if (name == "variant") {
    config.num_layers = 3;
    config.emb_dim = 16;
    config.residual = true;
    config.dropout = 0.5;
    config.jk = "sum";
    config.pooling = "sum";
  }
  return config;
}

// An encoder of the named configuration holding the fixture's weights.
inline std::unique_ptr<GinEncoder> fixture_encoder(const std::string& name, DType dtype, double dropout) {
  GinConfig config = gin_config(name);
  config.dropout = dropout;
  Generator gen(1);
  auto encoder = std::make_unique<GinEncoder>(config, gen, std::make_shared<Generator>(2), dtype);
  encoder->load_state_dict(gin_weights(name));
  return encoder;
}

// Tolerance rules. scaled_error = max_i |a_i - b_i| / max(1, max_i |b_i|):
// the error relative to the tensor's largest value (absolute below 1), so a
// gradient's tiny entries are judged on the scale of its large ones.
// normwise_error = ||a - b|| / max(1, ||b||).
inline double scaled_error(const Tensor& ours, const Tensor& reference) {
  REQUIRE(ours.shape() == reference.shape());
  const std::vector<double> a = ours.detach().to(DType::Float64).to_vector<double>();
  const std::vector<double> b = reference.to(DType::Float64).to_vector<double>();
  double worst = 0.0, scale = 1.0;
  for (size_t i = 0; i < a.size(); ++i) {
    worst = std::max(worst, std::isnan(a[i]) ? INFINITY : std::fabs(a[i] - b[i]));
    scale = std::max(scale, std::fabs(b[i]));
  }
  return worst / scale;
}

inline double normwise_error(const Tensor& ours, const Tensor& reference) {
  REQUIRE(ours.shape() == reference.shape());
  const std::vector<double> a = ours.detach().to(DType::Float64).to_vector<double>();
  const std::vector<double> b = reference.to(DType::Float64).to_vector<double>();
  double diff = 0.0, norm = 0.0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff += (a[i] - b[i]) * (a[i] - b[i]);
    norm += b[i] * b[i];
  }
  return std::isnan(diff) ? INFINITY : std::sqrt(diff) / std::max(1.0, std::sqrt(norm));
}

}  // namespace nlammr::testing
