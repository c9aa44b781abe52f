// Helpers shared by the test suites.
#pragma once

#include <string>
#include <vector>

namespace nlammr::testing {

// Committed fixtures (tests/fixtures/...).
std::string fixture_path(const std::string& relative);

// Real data beside the project (../shared/data/...), absent in a fresh clone.
// Returns "" when the directory is missing; tests then skip with a message.
std::string shared_data_path(const std::string& relative);

// A fresh folder under the system's temp directory for tests that write
// files, removed with everything in it at scope exit. The name says which
// test made it; the process id and a counter keep folders of tests running
// side by side (ctest -j) apart.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name = "scratch");
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Writes `content` to path()/name and returns that file's path.
  std::string write(const std::string& name, const std::string& content) const;
  // Names of the entries in the folder, sorted.
  std::vector<std::string> listing() const;

 private:
  std::string path_;
};

}  // namespace nlammr::testing

// Skip the rest of a test case with a visible reason (doctest has no skip()).
#define NLAMMR_SKIP(reason)                               \
  do {                                                    \
    MESSAGE("SKIPPED: " << reason);                       \
    return;                                               \
  } while (0)
