#include "io/checkpoint.h"

#include <stdexcept>

#include "io/tensor_file.h"

namespace nlammr {

namespace {
constexpr const char* kMetaKey = "nlammr";
constexpr const char* kModelPrefix = "model.";
constexpr const char* kOptimPrefix = "optim.";

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }
}  // namespace

void save_checkpoint(const std::string& path, const nn::Module& model, const optim::Optimizer* optimizer,
                     const nlohmann::json& meta) {
  std::map<std::string, Tensor> tensors;
  for (const auto& [name, t] : model.state_dict()) tensors[kModelPrefix + name] = t;
  if (optimizer)
    for (const auto& [name, t] : optimizer->state()) tensors[kOptimPrefix + name] = t;
  save_tensors(path, tensors, {{kMetaKey, meta.dump()}});
}

Checkpoint load_checkpoint(const std::string& path) {
  SafeTensorsFile file = SafeTensorsFile::open(path);
  auto it = file.metadata().find(kMetaKey);
  if (it == file.metadata().end())
    throw std::runtime_error(path + ": not an nlammr checkpoint (no '" + kMetaKey + "' metadata)");
  Checkpoint ck;
  try {
    ck.meta = nlohmann::json::parse(it->second);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + ": checkpoint metadata is not valid JSON: " + e.what());
  }
  LoadOptions options;
  options.half_to_float32 = false;  // keep exactly what was saved
  for (const TensorEntry& entry : file.entries()) {
    // Copies, so the file may be replaced (the next checkpoint) while in use.
    Tensor t = tensor_from_entry(file, entry, options).clone();
    if (starts_with(entry.name, kModelPrefix)) {
      ck.model[entry.name.substr(6)] = t;
    } else if (starts_with(entry.name, kOptimPrefix)) {
      ck.optimizer[entry.name.substr(6)] = t;
    } else {
      throw std::runtime_error(path + ": unexpected tensor '" + entry.name + "' in checkpoint");
    }
  }
  return ck;
}

}  // namespace nlammr
