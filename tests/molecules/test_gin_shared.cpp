// The GIN on the real medication table (../shared/data/mimic3/medications.tsv,
// 112 ATC3 classes), against the PyTorch reference run on the same graphs and
// weights by tools/reference/run_gin_reference.py. Nothing derived from the
// shared data is committed: the files go to the build folder. Skips when the
// data or torch for python3 is absent.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "chem/graph_json.h"
#include "tests/molecules/gin_fixture.h"

using namespace nlammr;
using namespace nlammr::testing;

namespace {

bool python_has_torch() {
  return std::system("python3 -c 'import torch, safetensors' > /dev/null 2>&1") == 0;
}

// One class per table line, in file order; SMILES nlammr rejects are left out.
std::vector<std::vector<MolGraph>> table_classes(const std::string& path) {
  std::vector<std::vector<MolGraph>> classes;
  std::map<std::string, size_t> index;
  for (const SmilesEntry& entry : read_smiles_file(path)) {
    auto [it, added] = index.emplace(entry.group, classes.size());
    if (added) classes.emplace_back();
    try {
      classes[it->second].push_back(smiles_to_graph(entry.smiles));
    } catch (const std::runtime_error&) {
      // The platinum complex, which the reference's RDKit rejected too.
    }
  }
  return classes;
}

void write_class_graphs(const std::string& path, const std::vector<std::vector<MolGraph>>& classes) {
  std::ofstream out(path);
  for (size_t c = 0; c < classes.size(); ++c) {
    nlohmann::json line = {{"class", c}, {"graphs", nlohmann::json::array()}};
    for (const MolGraph& graph : classes[c]) line["graphs"].push_back(mol_graph_to_json(graph));
    out << line.dump() << "\n";
  }
  REQUIRE_MESSAGE(out.good(), "cannot write " << path);
}

}  // namespace

TEST_CASE("GIN class embeddings of the shared medication table match PyTorch") {
  const std::string medications = shared_data_path("mimic3/medications.tsv");
  if (medications.empty()) NLAMMR_SKIP("../shared/data/mimic3/medications.tsv is absent");
  if (!python_has_torch()) NLAMMR_SKIP("python3 cannot import torch and safetensors");

  const auto classes = table_classes(medications);
  const GraphTensors graphs = make_graph_tensors(make_class_graph_batch(classes));
  CHECK(graphs.num_classes == 112);
  CHECK(graphs.num_graphs == 268);

  // NLA-MMR's configuration with this project's initialisation; dropout 0 so
  // that the training-mode pass is reproducible on both sides.
  GinConfig config;
  config.dropout = 0.0;
  Generator init(42);
  GinEncoder gin(config, init, std::make_shared<Generator>(43), DType::Float64);
  const std::string dir = std::string(NLAMMR_BINARY_DIR) + "/";
  save_tensors(dir + "gin_shared_weights.safetensors", gin.state_dict());
  write_class_graphs(dir + "gin_shared_graphs.jsonl", classes);
  const std::string command = "python3 '" + std::string(NLAMMR_SOURCE_DIR) +
                              "/tools/reference/run_gin_reference.py' '" + dir +
                              "gin_shared_weights.safetensors' '" + dir + "gin_shared_graphs.jsonl' '" + dir +
                              "gin_shared_reference.safetensors'";
  REQUIRE_MESSAGE(std::system(command.c_str()) == 0, "reference script failed: " << command);
  const TensorMap reference = load_tensors(dir + "gin_shared_reference.safetensors");

  Generator init32(42);
  GinEncoder gin32(config, init32, std::make_shared<Generator>(43), DType::Float32);
  gin32.load_state_dict(gin.state_dict());
  gin32.eval();
  const double eval32 =
      scaled_error(gin32.class_embeddings(graphs), reference_tensor(reference, "eval.class_embeddings"));
  CHECK(eval32 <= 1e-5);

  gin.eval();
  const Tensor eval64 = gin.class_embeddings(graphs);
  CHECK(eval64.shape() == Shape{112, 64});
  const double eval_err = scaled_error(eval64, reference_tensor(reference, "eval.class_embeddings"));
  CHECK(eval_err <= 1e-10);

  gin.train();
  const Tensor train64 = gin.class_embeddings(graphs);
  sum(train64 * reference_tensor(reference, "upstream")).backward();
  const double train_err = scaled_error(train64, reference_tensor(reference, "train.class_embeddings"));
  CHECK(train_err <= 1e-10);
  double worst_grad = 0.0;
  for (const auto& [name, p] : gin.named_parameters())
    worst_grad =
        std::max(worst_grad, scaled_error(p.grad(), reference_tensor(reference, "train.grad." + name)));
  CHECK(worst_grad <= 1e-10);
  MESSAGE("112 classes: float64 eval " << eval_err << ", train " << train_err << ", train gradients "
                                       << worst_grad << "; float32 eval " << eval32);
}
