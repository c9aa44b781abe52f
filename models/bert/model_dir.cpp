#include "models/bert/model_dir.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace nlammr {

namespace fs = std::filesystem;

std::string project_model_cache_dir() {
  return (fs::path(NLAMMR_SOURCE_DIR) / ".cache" / "models" / "all-MiniLM-L6-v2").string();
}

void validate_model_dir(const std::string& dir) {
  const fs::path root(dir);
  if (!fs::exists(root)) throw std::runtime_error("model folder '" + dir + "' does not exist");
  if (!fs::is_directory(root)) throw std::runtime_error("model folder '" + dir + "' is not a directory");
  for (const char* name : {"config.json", "vocab.txt"}) {
    if (!fs::is_regular_file(root / name)) {
      throw std::runtime_error("model folder '" + dir + "' has no " + name +
                               " (expected a Hugging Face BERT checkpoint folder)");
    }
  }
  if (!fs::is_regular_file(root / "model.safetensors")) {
    if (fs::is_regular_file(root / "pytorch_model.bin")) {
      throw std::runtime_error("model folder '" + dir +
                               "' holds only pytorch_model.bin; convert it once with "
                               "'python3 tools/convert_bin_to_safetensors.py " +
                               dir + "'");
    }
    throw std::runtime_error("model folder '" + dir + "' has no model.safetensors");
  }
}

std::string find_default_model_dir() {
  if (const char* env = std::getenv(kModelDirEnvVar); env && *env) {
    try {
      validate_model_dir(env);
    } catch (const std::exception& e) {
      throw std::runtime_error(std::string(kModelDirEnvVar) + " is set, but: " + e.what());
    }
    return env;
  }
  const std::string cached = project_model_cache_dir();
  if (fs::exists(cached)) {
    validate_model_dir(cached);
    return cached;
  }
  throw std::runtime_error("no default text encoder found: " + cached + " does not exist and " +
                           kModelDirEnvVar +
                           " is not set. Run scripts/setup.sh (or scripts/setup.sh --deps) to install "
                           "all-MiniLM-L6-v2, or pass --model DIR with a BERT checkpoint folder.");
}

}  // namespace nlammr
