// NLA-MMR against its plain-PyTorch twin (tools/reference/nlammr_reference.py,
// fixtures from tools/reference/make_nlammr_fixtures.py): the same cohort,
// PLM vectors and weights, loaded by name; compared are the scores of a batch
// in evaluation mode, then two training steps through Trainer::train_step
// (dropout 0, batch norm in training mode): the loss terms, every parameter's
// gradient and the running statistics of the first step, and every parameter
// after each Adam update.
//
// Errors are scaled_error (tests/molecules/gin_fixture.h): max |ours - ref|
// relative to max(1, max |ref|), always against the twin's float64 run.
// Tolerances, for scores, loss terms, gradients, running statistics and
// parameters alike:
//   float64 model: 1e-12 (rounding level; observed at most 6.3e-16)
//   float32 model: 2e-6 (observed at most 3.7e-7)
// PyTorch's own float32 run is 2.5e-7 from float64 on the scores and up to
// 4.7e-7 on the gradients (parity.json records it per configuration); the
// float32 bound leaves a few times that for the different summation orders
// (CSR-ordered message sums, Eigen's GEMM blocking).
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "engine/engine.h"
#include "data/cohort/cohort.h"
#include "io/tensor_file.h"
#include "models/nlammr/training/trainer.h"
#include "tests/fixture_bundle.h"
#include "tests/molecules/gin_fixture.h"
#include "tests/test_support.h"

using namespace nlammr;
using namespace nlammr::testing;

namespace {

const nlohmann::json& manifest() {
  static const nlohmann::json j = [] {
    const std::string path = fixture_path("nlammr/parity.json");
    std::ifstream in(path);
    if (!in) throw std::runtime_error(path + ": cannot open the NLA-MMR parity manifest");
    return nlohmann::json::parse(in);
  }();
  return j;
}

const TensorMap& parity_file(const std::string& name) {
  static std::map<std::string, TensorMap> cache;
  auto it = cache.find(name);
  if (it == cache.end())
    it = cache.emplace(name, load_tensors(fixture_path("nlammr/parity_" + name + ".safetensors"))).first;
  return it->second;
}

// The fixture's cohort with its stored PLM vectors, in `dtype`.
const NlammrData& parity_data(DType dtype) {
  static std::map<DType, std::unique_ptr<NlammrData>> cache;
  auto& slot = cache[dtype];
  if (!slot) {
    const TensorMap& inputs = parity_file("inputs");
    TextBank bank;
    bank.full = reference_tensor(inputs, "full").to(dtype);
    bank.parts = reference_tensor(inputs, "parts").to(dtype);
    bank.medications = reference_tensor(inputs, "medications").to(dtype);
    bank.classes = reference_tensor(inputs, "classes").to(dtype);
    slot = std::make_unique<NlammrData>(read_cohort(unpack_fixture_bundle("nlammr/parity_cohort.bundle")), bank, Device::cpu());
  }
  return *slot;
}

NlammrConfig parity_config(const std::string& name) {
  return NlammrConfig::from_json(manifest().at("configs").at(name).at("model"));
}

TrainConfig parity_training() {
  TrainConfig t;
  const nlohmann::json& j = manifest().at("train");
  t.lr = j.at("lr"), t.lr_scale = j.at("lr_scale"), t.weight_decay = j.at("weight_decay");
  return t;
}

// A trainer whose model holds the configuration's fixture weights.
std::unique_ptr<Trainer> parity_trainer(const std::string& name, DType dtype) {
  auto trainer = std::make_unique<Trainer>(parity_data(dtype), parity_config(name), parity_training());
  const TensorMap& weights = parity_file(name + "_weights");
  trainer->model().load_state_dict(std::map<std::string, Tensor>(weights.begin(), weights.end()));
  return trainer;
}

std::vector<int64_t> batch(const nlohmann::json& j) { return j.get<std::vector<int64_t>>(); }

// Worst scaled error over every tensor `prefix + name` of the reference,
// for the named tensors of the model; each one must be present.
double worst_over(const nn::NamedTensors& tensors, const TensorMap& reference, const std::string& prefix,
                  bool gradients, std::string& worst_name) {
  double worst = 0.0;
  for (const auto& entry : tensors) {
    // Named variables, not a structured binding: the doctest message macros
    // capture in a lambda, which C++17 does not allow for bindings.
    const auto& name = entry.first;
    const auto& t = entry.second;
    const Tensor& expected = reference_tensor(reference, prefix + name);
    const Tensor ours = gradients ? t.grad() : t;
    const std::string missing = name + (gradients ? " has no gradient" : " has no value");
    REQUIRE_MESSAGE(ours.defined(), missing);
    if (ours.dtype() == DType::Int64) {
      CHECK_MESSAGE(ours.item<int64_t>() == expected.item<int64_t>(), name);
      continue;
    }
    const double err = scaled_error(ours, expected);
    if (err > worst || std::isnan(err)) worst = err, worst_name = name;
  }
  return worst;
}

void check_against_twin(const std::string& name, DType dtype, double tol) {
  const TensorMap& reference = parity_file(name + "_reference");
  auto trainer = parity_trainer(name, dtype);
  NlammrModel& model = trainer->model();
  const NlammrData& data = parity_data(dtype);
  const NlammrConfig& config = model.config();
  std::ostringstream report;
  report << name << " " << dtype_name(dtype) << ":";

  // Evaluation mode: the scores of one batch, and the probabilities the
  // prediction path gives for it (sigmoid of the same scores).
  {
    const std::vector<int64_t> ids = batch(manifest().at("eval_batch"));
    model.eval();
    NoGradGuard no_grad;
    Tensor medications = model.medication_latent(data.text->classes(), data.molecules);
    Tensor scores =
        NlammrModel::scores(model.patient_latent(data.text->visits(data.index, ids, config.max_visit_num)),
                            medications);
    const Tensor& expected = reference_tensor(reference, "eval.scores");
    const double err = scaled_error(scores, expected);
    CHECK(err <= tol);
    const std::vector<std::vector<double>> probs = predict_visits(model, data, ids, 3);
    const std::vector<double> flat = sigmoid(expected).to_vector<double>();
    double worst_prob = 0.0;
    for (size_t i = 0; i < probs.size(); ++i)
      for (size_t m = 0; m < probs[i].size(); ++m)
        worst_prob = std::max(worst_prob, std::fabs(probs[i][m] - flat[i * probs[i].size() + m]));
    CHECK(worst_prob <= tol);
    report << " eval scores " << err;
  }

  // Two training steps.
  model.train();
  const nlohmann::json& batches = manifest().at("train_batches");
  for (size_t step = 1; step <= batches.size(); ++step) {
    const std::string at = "step" + std::to_string(step) + ".";
    LossTerms terms = trainer->train_step(batch(batches[step - 1]));
    const double loss_err = scaled_error(terms.total, reference_tensor(reference, at + "loss.total"));
    CHECK(loss_err <= tol);
    report << "; step " << step << " loss " << loss_err;
    if (step == 1) {
      const std::map<std::string, double> values = {
          {"bce", terms.bce}, {"margin", terms.margin}, {"contrastive", terms.contrastive}, {"ddi", terms.ddi}};
      for (const auto& entry : values) {
        // Named variables, not a structured binding: the doctest message macros
        // capture in a lambda, which C++17 does not allow for bindings.
        const auto& term = entry.first;
        const auto& value = entry.second;
        auto it = reference.find(at + "loss." + term);
        // A term the configuration leaves out is 0 here and absent there.
        const double expected = it == reference.end() ? 0.0 : it->second.item<double>();
        CHECK_MESSAGE(std::fabs(value - expected) <= tol * std::max(1.0, std::fabs(expected)), term);
      }
      std::string grad_name, state_name;
      const double grad_err = worst_over(model.named_parameters(), reference, at + "grad.", true, grad_name);
      const double state_err = worst_over(model.named_buffers(), reference, at + "state.", false, state_name);
      INFO("worst gradient: " << grad_name << ", worst running statistic: " << state_name);
      CHECK(grad_err <= tol);
      CHECK(state_err <= tol);
      report << ", gradients " << grad_err << " (" << grad_name << "), running statistics " << state_err;
    }
    std::string param_name;
    const double param_err = worst_over(model.named_parameters(), reference, at + "param.", false, param_name);
    INFO("worst parameter: " << param_name);
    CHECK(param_err <= tol);
    report << ", parameters after the update " << param_err;
  }
  MESSAGE(report.str());
}

const char* const kConfigs[] = {"published", "extended", "ablation"};

}  // namespace

TEST_CASE("NLA-MMR's state dict has exactly the keys and shapes of the PyTorch twin") {
  for (const char* name : kConfigs) {
    INFO("configuration " << name);
    Generator init(1);
    NlammrModel model(parity_config(name), init, std::make_shared<Generator>(2));
    const auto ours = model.state_dict();
    const TensorMap& theirs = parity_file(std::string(name) + "_weights");
    CHECK(ours.size() == theirs.size());
    for (const auto& [key, tensor] : theirs) {
      const auto& key_name = key;  // INFO captures in a lambda; C++17 cannot capture a binding
      INFO("key " << key_name);
      REQUIRE(ours.count(key) == 1);
      CHECK(ours.at(key).shape() == tensor.shape());
    }
  }
  // A few names spelled out, as the official code's modules name them.
  Generator init(1);
  const auto keys = NlammrModel(parity_config("published"), init, std::make_shared<Generator>(2)).state_dict();
  for (const char* key : {"dsp_aggregator.Qdense.weight", "dsp_aggregator.Kdense.bias", "proj_dsp.0.weight",
                          "aggregator.drug_projection.bias", "text2latent.layers.0.weight",
                          "mol2latent.layers.1.bias", "global_encoder.gnn_node.convs.0.mlp.0.weight",
                          "global_encoder.gnn_node.batch_norms.2.running_var"})
    CHECK_MESSAGE(keys.count(key) == 1, key);
}

TEST_CASE("the parity cohort's molecules line up with the twin's graphs") {
  const NlammrData& data = parity_data(DType::Float32);
  const std::vector<int64_t> expected = manifest().at("graph_num_nodes").get<std::vector<int64_t>>();
  const std::vector<int64_t> offsets = data.molecules.node_offsets.to_vector<int64_t>();
  REQUIRE(offsets.size() == expected.size() + 1);
  for (size_t g = 0; g < expected.size(); ++g) CHECK(offsets[g + 1] - offsets[g] == expected[g]);
  CHECK(data.molecules.num_classes == data.num_medications());
  CHECK(data.invalid_smiles.size() == 1);  // the class whose GIN vector is 0
}

TEST_CASE("NLA-MMR matches its PyTorch twin: scores, loss, gradients and Adam updates") {
  for (const char* name : kConfigs) {
    const std::string in_float64 = std::string(name) + " float64", in_float32 = std::string(name) + " float32";
    SUBCASE(in_float64.c_str()) { check_against_twin(name, DType::Float64, 1e-12); }
    SUBCASE(in_float32.c_str()) { check_against_twin(name, DType::Float32, 2e-6); }
  }
}

TEST_CASE("NlammrData rejects a text bank that does not fit the cohort") {
  const TensorMap& inputs = parity_file("inputs");
  TextBank bank;
  bank.full = reference_tensor(inputs, "full");
  bank.parts = reference_tensor(inputs, "parts");
  bank.medications = reference_tensor(inputs, "medications");
  bank.classes = reference_tensor(inputs, "classes");
  const Cohort cohort = read_cohort(unpack_fixture_bundle("nlammr/parity_cohort.bundle"));
  SUBCASE("one visit too few") {
    bank.full = bank.full.slice(0, 1, bank.full.size(0)).contiguous();
    CHECK_THROWS_WITH_AS(NlammrData(cohort, bank, Device::cpu()), doctest::Contains("text bank's full"),
                         std::runtime_error);
  }
  SUBCASE("parts without the three texts") {
    bank.parts = bank.parts.slice(1, 0, 2).contiguous();
    CHECK_THROWS_WITH_AS(NlammrData(cohort, bank, Device::cpu()), doctest::Contains("text bank's parts"),
                         std::runtime_error);
  }
  SUBCASE("mixed dtypes") {
    bank.medications = bank.medications.to(DType::Float64);
    CHECK_THROWS_WITH_AS(NlammrData(cohort, bank, Device::cpu()), doctest::Contains("text bank's medications"),
                         std::runtime_error);
  }
}
