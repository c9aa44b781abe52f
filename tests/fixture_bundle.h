// Fixture bundles: a folder of small text files kept as one committed text
// file (tests/fixtures/.../NAME.bundle), unpacked by the tests that read it.
// Used for inputs whose file names the readers fix (MIMIC's tables, a
// cohort's cohort.jsonl) but whose contents are hand-made.
//
// Format: "#" lines before the first section are comments; "@@ file NAME"
// starts the file NAME (which may contain "/"); the lines that follow, up to
// the next "@@ file", are its contents, each ending in a line break, except
// that a section ending in "@@ no final newline" loses its last one. A NAME
// ending in .gz is written gzip-compressed.
#pragma once

#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/test_support.h"

namespace nlammr::testing {

inline void write_bundle_file(const std::filesystem::path& path, const std::string& content) {
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

// Unpacks the bundle at fixture_path(relative) once per process into a
// scratch folder and returns that folder; every such folder is removed when
// the test process exits.
inline std::string unpack_fixture_bundle(const std::string& relative) {
  namespace fs = std::filesystem;
  const std::string stem = fs::path(relative).stem().string();
  const fs::path dir = fs::temp_directory_path() / ("nlammr_" + stem + "_" + std::to_string(::getpid()));
  if (fs::exists(dir)) return dir.string();
  static struct Unpacked {
    std::vector<fs::path> dirs;
    ~Unpacked() {
      std::error_code ignored;
      for (const fs::path& d : dirs) fs::remove_all(d, ignored);
    }
  } unpacked;
  unpacked.dirs.push_back(dir);
  fs::create_directories(dir);
  std::ifstream in(fixture_path(relative), std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture bundle " + fixture_path(relative));
  std::string file, content, line;
  bool in_section = false;
  auto flush = [&](bool final_newline) {
    if (!in_section) return;
    if (!final_newline && !content.empty()) content.pop_back();
    write_bundle_file(dir / file, content);
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
