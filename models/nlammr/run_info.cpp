#include "models/nlammr/run_info.h"

#include <filesystem>
#include <stdexcept>

#include "io/atomic_file.h"
#include "models/bert/bert_pooling.h"

namespace nlammr {

nlohmann::json PlmSettings::to_json() const {
  nlohmann::json j = {{"model_dir", model_dir}, {"pooling", pooling},   {"normalize", normalize},
                      {"max_length", max_length}, {"identity", identity}};
  if (cache_recorded) {
    j["cache_dir"] = cache_dir;
    j["encode_batch"] = encode_batch;
  }
  return j;
}

PlmSettings PlmSettings::from_json(const nlohmann::json& j) {
  PlmSettings p;
  p.model_dir = j.at("model_dir");
  p.pooling = j.at("pooling");
  p.normalize = j.at("normalize");
  p.max_length = j.at("max_length");
  p.identity = j.at("identity");
  p.cache_recorded = j.contains("cache_dir");
  if (p.cache_recorded) {
    p.cache_dir = j.at("cache_dir");
    p.encode_batch = j.at("encode_batch");
    if (p.encode_batch < 1 || p.encode_batch > 1000000)
      throw std::runtime_error("plm.encode_batch " + std::to_string(p.encode_batch) + " is outside [1, 1000000]");
  }
  return p;
}

PlmSettings PlmSettings::of(const TextEncoder& encoder) {
  PlmSettings p;
  p.model_dir = std::filesystem::absolute(encoder.model_dir()).string();
  p.pooling = pooling_name(encoder.options().pooling);
  p.normalize = encoder.options().normalize;
  p.max_length = encoder.options().max_length;
  p.identity = bert_checkpoint_identity(encoder.model_dir());
  return p;
}

nlohmann::json RunInfo::to_json() const {
  nlohmann::json j = {{"data_dir", data_dir}, {"plm", plm.to_json()},      {"model_config", model.to_json()},
                      {"train_config", train.to_json()}, {"device", device}, {"lenient", lenient}};
  if (!command.empty()) j["command"] = command;
  if (!commit.empty()) j["commit"] = commit;
  if (!working_dir.empty()) j["working_dir"] = working_dir;
  return j;
}

RunInfo RunInfo::from_json(const nlohmann::json& j, const std::string& source) {
  std::string field;  // the one being read, for the message
  auto at = [&](const char* key) -> const nlohmann::json& {
    field = key;
    return j.at(key);
  };
  try {
    if (!j.is_object()) throw std::runtime_error("expected a JSON object");
    RunInfo r;
    r.data_dir = at("data_dir");
    r.plm = PlmSettings::from_json(at("plm"));
    r.model = NlammrConfig::from_json(at("model_config"));
    r.train = TrainConfig::from_json(at("train_config"));
    field = "device";
    r.device = j.value("device", "cpu");
    field = "lenient";
    r.lenient = j.value("lenient", false);
    const std::pair<const char*, std::string*> provenance[] = {
        {"command", &r.command}, {"commit", &r.commit}, {"working_dir", &r.working_dir}};
    for (const auto& entry : provenance) {
      field = entry.first;
      *entry.second = j.value(entry.first, std::string());
    }
    return r;
  } catch (const nlohmann::json::exception&) {
    throw std::runtime_error(source + ": field '" + field + "' is missing or malformed");
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(source + ": " + (field.empty() ? "" : "field '" + field + "': ") + e.what());
  }
}

std::string first_differing_key(const nlohmann::json& a, const nlohmann::json& b) {
  if (!a.is_object() || !b.is_object()) return a == b ? "" : "(whole object)";
  for (const auto& [key, value] : a.items()) {
    if (!b.contains(key) || b.at(key) != value) return key;
  }
  for (const auto& [key, value] : b.items()) {
    if (!a.contains(key)) return key;
  }
  return "";
}

RunInfo read_run_info(const std::string& run_dir) {
  const std::string path = (std::filesystem::path(run_dir) / "run.json").string();
  if (!std::filesystem::exists(path))
    throw std::runtime_error(path + ": no run description (is '" + run_dir + "' a directory made by nlammr train?)");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_file(path));
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + ": not valid JSON: " + e.what());
  }
  return RunInfo::from_json(j, path);
}

void write_run_info(const std::string& run_dir, const RunInfo& info) {
  write_file_atomic((std::filesystem::path(run_dir) / "run.json").string(), info.to_json().dump(2) + "\n");
}

std::unique_ptr<TextEncoder> open_run_encoder(const PlmSettings& plm, const std::string& cache_dir) {
  if (bert_checkpoint_identity(plm.model_dir) != plm.identity)
    throw std::runtime_error("the language model in " + plm.model_dir +
                             " is not the one this run was trained with (its files changed)");
  TextEncoderOptions options;
  options.model_dir = plm.model_dir;
  options.pooling = parse_pooling(plm.pooling);
  options.normalize = plm.normalize;
  options.max_length = plm.max_length;
  options.cache_dir = plm.cache_recorded ? plm.cache_dir : cache_dir;
  options.batch_size = plm.encode_batch;
  return std::make_unique<TextEncoder>(options);
}

}  // namespace nlammr
