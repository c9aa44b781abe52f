#include "models/bert/bert_checkpoint.h"

#include <filesystem>
#include <map>
#include <stdexcept>

#include "io/safetensors.h"
#include "io/tensor_file.h"

namespace nlammr {

namespace {

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string replace_suffix(const std::string& s, const std::string& from, const std::string& to) {
  return ends_with(s, from) ? s.substr(0, s.size() - from.size()) + to : s;
}

// Canonical name -> the file's entry for it; duplicates are an error.
std::map<std::string, const TensorEntry*> index_by_canonical_name(const SafeTensorsFile& file) {
  std::map<std::string, const TensorEntry*> index;
  for (const TensorEntry& entry : file.entries()) {
    const std::string canonical = canonical_bert_tensor_name(entry.name);
    auto [it, inserted] = index.emplace(canonical, &entry);
    if (!inserted)
      throw std::runtime_error(file.path() + ": tensors '" + it->second->name + "' and '" + entry.name +
                               "' both stand for parameter '" + canonical + "'");
  }
  return index;
}

bool is_floating(DType dtype) {
  return dtype == DType::Float32 || dtype == DType::Float64 || dtype == DType::Float16 ||
         dtype == DType::BFloat16;
}

}  // namespace

std::string canonical_bert_tensor_name(const std::string& name) {
  std::string n = starts_with(name, "bert.") ? name.substr(5) : name;
  n = replace_suffix(n, "LayerNorm.gamma", "LayerNorm.weight");
  return replace_suffix(n, "LayerNorm.beta", "LayerNorm.bias");
}

BertCheckpoint load_bert_checkpoint(const std::string& dir, const BertModelOptions& options) {
  namespace fs = std::filesystem;
  const std::string config_path = (fs::path(dir) / "config.json").string();
  const std::string weights_path = (fs::path(dir) / "model.safetensors").string();
  if (!fs::is_directory(dir)) throw std::runtime_error("model folder '" + dir + "' does not exist");
  if (!fs::is_regular_file(weights_path))
    throw std::runtime_error("model folder '" + dir + "' has no model.safetensors");
  const BertConfig config = BertConfig::from_json_file(config_path);
  const SafeTensorsFile file = SafeTensorsFile::open(weights_path);
  const auto index = index_by_canonical_name(file);

  BertModelOptions model_options = options;
  model_options.with_pooler = index.count("pooler.dense.weight") || index.count("pooler.dense.bias");
  auto model = std::make_shared<BertModel>(config, model_options);

  // Check every parameter before copying any, so an error leaves nothing half loaded.
  std::map<std::string, Tensor> state;
  for (const auto& [name, param] : model->named_parameters()) {
    auto it = index.find(name);
    if (it == index.end())
      throw std::runtime_error(weights_path + ": missing tensor '" + name + "' (expected shape " +
                               shape_str(param.shape()) + " from " + config_path + ")");
    const TensorEntry& entry = *it->second;
    if (entry.shape != param.shape())
      throw std::runtime_error(weights_path + ": tensor '" + entry.name + "' has shape " +
                               shape_str(entry.shape) + ", expected " + shape_str(param.shape()) + " from " +
                               config_path);
    if (!is_floating(entry.dtype))
      throw std::runtime_error(weights_path + ": tensor '" + entry.name + "' has dtype " +
                               dtype_name(entry.dtype) + ", expected a floating-point type");
    state[name] = tensor_from_entry(file, entry);
  }
  model->load_state_dict(state, /*strict=*/true);
  model->eval();

  BertCheckpoint out{model, weights_path, {}};
  for (const auto& [canonical, entry] : index)
    if (!state.count(canonical)) out.skipped.push_back(entry->name);
  return out;
}

std::shared_ptr<BertModel> load_bert_model(const std::string& dir, const BertModelOptions& options) {
  return load_bert_checkpoint(dir, options).model;
}

}  // namespace nlammr
