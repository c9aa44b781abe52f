#include "fuzz/fuzz_support.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace nlammr::fuzz {

namespace {

struct ScratchDir {
  std::string path;
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "nlammr-fuzz-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) {
      std::perror("nlammr fuzz: mkdtemp");
      std::abort();
    }
    path = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

}  // namespace

const std::string& scratch_dir() {
  static ScratchDir dir;
  return dir.path;
}

std::string write_scratch_file(const std::string& name, const uint8_t* data, size_t size) {
  return write_scratch_file(name, std::string(reinterpret_cast<const char*>(data), size));
}

std::string write_scratch_file(const std::string& name, const std::string& bytes) {
  std::string path = scratch_dir() + "/" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    std::fprintf(stderr, "nlammr fuzz: cannot write %s\n", path.c_str());
    std::abort();
  }
  return path;
}

std::vector<std::string> split_sections(const uint8_t* data, size_t size, size_t max_parts) {
  // A leading newline makes a separator on the first line look like any other.
  const std::string text = "\n" + std::string(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> parts;
  size_t start = 1;
  while (parts.size() + 1 < max_parts) {
    const size_t at = text.find("\n%%\n", start - 1);
    if (at == std::string::npos) break;
    parts.push_back(text.substr(start, at + 1 - start));
    start = at + 4;
  }
  parts.push_back(text.substr(start));
  return parts;
}

void require_names_input(const std::exception& error, const std::string& name) {
  if (std::string(error.what()).find(name) == std::string::npos) {
    std::fprintf(stderr, "nlammr fuzz: error message does not name '%s': %s\n", name.c_str(), error.what());
    std::abort();
  }
}

}  // namespace nlammr::fuzz
