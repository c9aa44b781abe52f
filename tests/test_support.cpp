#include "tests/test_support.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace nlammr::testing {

std::string fixture_path(const std::string& relative) {
  return std::string(NLAMMR_FIXTURE_DIR) + "/" + relative;
}

std::string shared_data_path(const std::string& relative) {
  namespace fs = std::filesystem;
  fs::path root;
  if (const char* env = std::getenv("NLAMMR_SHARED_DATA")) {
    root = env;
  } else {
    root = fs::path(NLAMMR_SOURCE_DIR).parent_path() / "shared" / "data";
  }
  fs::path p = root / relative;
  return fs::exists(p) ? p.string() : std::string();
}

ScratchDir::ScratchDir(const std::string& name) {
  namespace fs = std::filesystem;
  static std::atomic<int> counter{0};
  for (int attempt = 0; attempt < 100; ++attempt) {
    const fs::path candidate = fs::temp_directory_path() / ("nlammr_test_" + name + "_" + std::to_string(::getpid()) +
                                                            "_" + std::to_string(counter++));
    if (fs::create_directory(candidate)) {
      path_ = candidate.string();
      return;
    }
  }
  throw std::runtime_error("cannot create a scratch folder for test '" + name + "'");
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string ScratchDir::write(const std::string& name, const std::string& content) const {
  const std::string target = file(name);
  std::ofstream out(target, std::ios::binary);
  out << content;
  if (!out.flush()) throw std::runtime_error("cannot write test file " + target);
  return target;
}

std::vector<std::string> ScratchDir::listing() const {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(path_))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace nlammr::testing
