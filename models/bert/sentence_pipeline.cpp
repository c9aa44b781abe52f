#include "models/bert/sentence_pipeline.h"

#include <filesystem>
#include <stdexcept>
#include <vector>

#include "io/atomic_file.h"
#include "models/bert/bert_config.h"
#include "models/bert/json_fields.h"

namespace nlammr {

namespace {

namespace fs = std::filesystem;

const char* const kExplicitChoice = "; choose them explicitly with --pooling and --normalize/--no-normalize";

// The pooling named by a sentence-transformers Pooling config: exactly one
// mode flag set, and one we implement.
Pooling read_pooling_config(const std::string& path) {
  const JsonFields fields = JsonFields::from_file(path);
  std::vector<std::string> enabled;
  for (const auto& [name, value] : fields.raw().items())
    if (name.rfind("pooling_mode_", 0) == 0 && value.is_boolean() && value.get<bool>())
      enabled.push_back(name);
  if (enabled.size() != 1) {
    std::string list;
    for (const auto& e : enabled) list += (list.empty() ? "" : ", ") + e;
    throw std::runtime_error(path + ": expected exactly one pooling_mode_* set to true, found " +
                             std::to_string(enabled.size()) + (list.empty() ? "" : " (" + list + ")") +
                             kExplicitChoice);
  }
  if (enabled[0] == "pooling_mode_mean_tokens") return Pooling::Mean;
  if (enabled[0] == "pooling_mode_cls_token") return Pooling::Cls;
  throw std::runtime_error(path + ": " + enabled[0] +
                           " is not implemented (only mean and cls token pooling)" + kExplicitChoice);
}

}  // namespace

SentencePipeline read_sentence_pipeline(const std::string& model_dir) {
  SentencePipeline pipeline;
  pipeline.max_seq_length = sentence_transformers_max_seq_length(model_dir);
  const fs::path modules_path = fs::path(model_dir) / "modules.json";
  if (!fs::exists(modules_path)) return pipeline;
  pipeline.from_modules_json = true;

  const std::string source = modules_path.string();
  nlohmann::json modules;
  try {
    modules = nlohmann::json::parse(read_file(source));
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for a number like 1e999
    throw std::runtime_error(source + ": malformed JSON: " + e.what());
  }
  if (!modules.is_array()) throw std::runtime_error(source + ": expected a JSON array of modules");

  bool has_pooling = false;
  for (const nlohmann::json& module : modules) {
    if (!module.is_object() || !module.contains("type") || !module.at("type").is_string())
      throw std::runtime_error(source + ": every module needs a \"type\" string");
    const std::string type = module.at("type").get<std::string>();
    const std::string path =
        module.contains("path") && module.at("path").is_string() ? module.at("path").get<std::string>() : "";
    if (type == "sentence_transformers.models.Transformer") continue;
    if (type == "sentence_transformers.models.Pooling") {
      pipeline.pooling = read_pooling_config((fs::path(model_dir) / path / "config.json").string());
      has_pooling = true;
    } else if (type == "sentence_transformers.models.Normalize") {
      pipeline.normalize = true;
    } else {
      throw std::runtime_error(source + ": module type '" + type + "' is not implemented" + kExplicitChoice);
    }
  }
  if (!has_pooling) throw std::runtime_error(source + ": no Pooling module" + kExplicitChoice);
  return pipeline;
}

}  // namespace nlammr
