// Small helpers for the data tests: scratch directories and files.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <doctest/doctest.h>

namespace nlammr::testing {

// A fresh directory under the system temporary directory, removed at scope end.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name) {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("nlammr_test_" + name + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string path() const { return path_.string(); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  REQUIRE(out.good());
  out << text;
}

// The message of the std::runtime_error `expression` throws ("" if none).
#define NLAMMR_ERROR_OF(expression)          \
  [&]() -> std::string {                     \
    try {                                    \
      expression;                            \
    } catch (const std::runtime_error& e) {  \
      return e.what();                       \
    }                                        \
    return "";                               \
  }()

}  // namespace nlammr::testing
