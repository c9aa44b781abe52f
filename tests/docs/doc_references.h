// What the documentation says about the source tree, read back and checked.
//
// A reference is a backtick span in a Markdown page that names a file or a
// folder of the repository, by its path from the repository root:
//
//   `engine/ops/matmul.cpp`                a file that must exist
//   `models/gin/`                          a folder that must exist
//   `engine/ops/matmul.cpp:41-89`          lines 41 to 89 of it (`:41` = line 41)
//   `engine/ops/matmul.cpp:41-89` (`matmul`)
//                                          ... and `matmul` is written within those lines,
//                                          in the first four of them (where it is introduced)
//   `models/nlammr/run.{h,cpp}`            both run.h and run.cpp
//
// A span is taken for a path when its first folder is a folder at the root
// of the repository and it names a file (it has an extension, or a line
// range) or a folder (it ends in '/'). Other spans are left alone: commands,
// options, run folders such as `runs/m3`, build outputs such as
// `bench/engine_ops`. A path in another project is written with that
// project's name in front (`SafeDrug/data/processing.py`), which no root
// folder matches. Fenced code blocks are skipped. Relative Markdown links
// ([text](other.md)) are checked too, from the page's own folder.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace nlammr::docs {

struct Reference {
  std::string page;  // the Markdown file, for messages
  int64_t line = 0;  // 1-based line of the page
  std::string path;  // from the repository root (links: resolved from the page's folder)
  bool folder = false;
  bool ranged = false;          // a line range follows the path
  int64_t first = 0, last = 0;  // the range, 1-based and inclusive
  std::string symbol;           // "" when none
};

// The references of one page. `root_folders`: the names of the folders at
// the repository root (what a path must start with). `page_dir`: the page's
// folder relative to the root ("" or "docs"), for relative links.
std::vector<Reference> find_references(const std::string& page, const std::string& text,
                                       const std::vector<std::string>& root_folders, const std::string& page_dir);

// What is wrong with a reference, "" when it is true of the tree at `root`.
std::string check_reference(const Reference& ref, const std::filesystem::path& root);

// A hint for fixing a wrong reference: where a file of the same name is now,
// or on which lines of the file the symbol is written. "" when none is found.
std::string hint_for(const Reference& ref, const std::filesystem::path& root);

// The names of the folders at `root` (hidden ones and build folders left out).
std::vector<std::string> root_folders(const std::filesystem::path& root);

}  // namespace nlammr::docs
