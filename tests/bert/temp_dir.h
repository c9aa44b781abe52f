// A scratch folder for tests that write small files, removed at scope exit.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace nlammr::testing {

struct TempDir {
  std::filesystem::path path;

  // The process id keeps folders of test processes running side by side apart.
  explicit TempDir(const std::string& name)
      : path(std::filesystem::temp_directory_path() /
             ("nlammr_test_" + name + "_" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Writes `content` to path/file and returns the file's path.
  std::string write(const std::string& file, const std::string& content) const {
    std::ofstream(path / file, std::ios::binary) << content;
    return (path / file).string();
  }
  std::string str() const { return path.string(); }
};

}  // namespace nlammr::testing
