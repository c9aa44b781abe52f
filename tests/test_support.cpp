#include "tests/test_support.h"

#include <cstdlib>
#include <filesystem>

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

}  // namespace nlammr::testing
