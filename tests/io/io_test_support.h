// Helpers shared by the io tests: a scratch directory and checks on the
// messages of expected exceptions.
#pragma once

#include <string>
#include <vector>

namespace nlammr::testing {

// A fresh directory under the system temp directory, removed with its
// contents when the object goes out of scope.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Names of the entries in the directory, sorted.
  std::vector<std::string> listing() const;

 private:
  std::string path_;
};

// Writes bytes to a file with plain stdio (tests must not depend on the code
// they test to create their inputs).
void write_bytes(const std::string& path, const std::string& bytes);

// A safetensors file from a header text and a data section, with the 8-byte
// little-endian length in front; the header is used verbatim.
std::string safetensors_bytes(const std::string& header, const std::string& data = "");

bool contains(const std::string& text, const std::string& part);

}  // namespace nlammr::testing
