// The hand-made MIMIC-shaped tables of the preparation tests live in one text
// file per database (tests/fixtures/data/<name>.bundle, format in its header);
// this writes them out as the directory `nlammr prepare` reads.
#pragma once

#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/test_support.h"

namespace nlammr::testing {

inline void write_table(const std::filesystem::path& path, const std::string& content) {
  std::filesystem::create_directories(path.parent_path());
  if (path.extension() == ".gz") {
    gzFile gz = gzopen(path.c_str(), "wb");
    if (!gz || gzwrite(gz, content.data(), static_cast<unsigned>(content.size())) != static_cast<int>(content.size()))
      throw std::runtime_error("cannot write " + path.string());
    gzclose(gz);
  } else {
    std::ofstream(path, std::ios::binary) << content;
  }
}

// Unpacks the bundle `name` ("mimic3-mini") once per process into a scratch
// folder and returns that folder.
inline std::string mini_mimic_dir(const std::string& name) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("nlammr_" + name + "_" + std::to_string(::getpid()));
  if (fs::exists(dir)) return dir.string();
  // Every unpacked folder is removed when the test process exits.
  static struct Unpacked {
    std::vector<fs::path> dirs;
    ~Unpacked() {
      std::error_code ignored;
      for (const fs::path& d : dirs) fs::remove_all(d, ignored);
    }
  } unpacked;
  unpacked.dirs.push_back(dir);
  std::ifstream in(fixture_path("data/" + name + ".bundle"), std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture bundle " + name);
  std::string file, content, line;
  bool in_section = false;
  auto flush = [&](bool final_newline) {
    if (!in_section) return;
    if (!final_newline && !content.empty()) content.pop_back();
    write_table(dir / file, content);
    content.clear();
    in_section = false;
  };
  while (std::getline(in, line)) {
    if (line.rfind("@@ file ", 0) == 0) {
      flush(true);
      file = line.substr(8);
      in_section = true;
    } else if (line == "@@ no final newline") {
      flush(false);
    } else if (in_section) {
      content += line + "\n";
    }
  }
  flush(true);
  return dir.string();
}

}  // namespace nlammr::testing
