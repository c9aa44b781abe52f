// Keeps the documentation true of the source tree: every file, folder and
// line range that README.md and docs/*.md cite exists, and where a page names
// a symbol beside a range (`path:first-last` (`name`)), the name is written
// within those lines. The rules are in doc_references.h. A range goes stale
// when code above it moves: the message names the page, its line and the
// reference, and the fix is to look the symbol up again and update the page.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/docs/doc_references.h"
#include "tests/test_support.h"

namespace fs = std::filesystem;
using nlammr::docs::check_reference;
using nlammr::docs::find_references;
using nlammr::docs::Reference;

namespace {

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// README.md and every page of docs/, by path from the root.
std::vector<std::string> pages(const fs::path& root) {
  std::vector<std::string> out{"README.md"};
  for (const auto& entry : fs::directory_iterator(root / "docs"))
    if (entry.path().extension() == ".md") out.push_back("docs/" + entry.path().filename().string());
  std::sort(out.begin() + 1, out.end());
  return out;
}

std::vector<Reference> references_of(const fs::path& root, const std::string& page) {
  const std::string dir = fs::path(page).parent_path().generic_string();
  return find_references(page, read_text(root / page), nlammr::docs::root_folders(root), dir);
}

}  // namespace

TEST_CASE("every file, folder, line range and symbol the docs cite is true of the tree") {
  const fs::path root = NLAMMR_SOURCE_DIR;
  // NLAMMR_LIST_DOC_REFERENCES=1 prints every reference checked.
  const bool list = std::getenv("NLAMMR_LIST_DOC_REFERENCES") != nullptr;
  int64_t checked = 0, ranges = 0;
  std::string problems, listing;
  for (const std::string& page : pages(root)) {
    for (const Reference& ref : references_of(root, page)) {
      ++checked;
      if (list)
        listing += ref.page + ":" + std::to_string(ref.line) + "  " + ref.path +
                   (ref.ranged ? ":" + std::to_string(ref.first) + "-" + std::to_string(ref.last) : "") +
                   (ref.symbol.empty() ? "" : " (" + ref.symbol + ")") + "\n";
      if (ref.ranged) ++ranges;
      const std::string problem = check_reference(ref, root);
      if (problem.empty()) continue;
      const std::string hint = nlammr::docs::hint_for(ref, root);
      problems += "  " + ref.page + ":" + std::to_string(ref.line) + ": " + problem +
                  (hint.empty() ? "" : "\n      (" + hint + ")") + "\n";
    }
  }
  if (list) MESSAGE("references:\n" << listing);
  MESSAGE(checked << " references checked, " << ranges << " of them line ranges");
  CHECK_MESSAGE(problems.empty(), "stale references:\n" << problems);
  CHECK(checked > 100);  // the parser found the docs' references at all
}

TEST_CASE("the walk-through cites line ranges with the symbol to open in each") {
  const fs::path root = NLAMMR_SOURCE_DIR;
  REQUIRE(fs::is_regular_file(root / "docs/walkthrough.md"));
  int64_t with_symbol = 0;
  for (const Reference& ref : references_of(root, "docs/walkthrough.md"))
    if (ref.ranged && !ref.symbol.empty()) ++with_symbol;
  CHECK(with_symbol >= 25);
  // The README's reading order starts at the walk-through.
  const std::string readme = read_text(root / "README.md");
  const size_t order = readme.find("Reading order");
  REQUIRE(order != std::string::npos);
  const size_t first_link = readme.find("](docs/", order);
  REQUIRE(first_link != std::string::npos);
  CHECK(readme.compare(first_link, 22, "](docs/walkthrough.md)") == 0);
}

TEST_CASE("spans that are not paths of the tree are left alone") {
  const std::vector<std::string> roots{"engine", "data", "bench"};
  const std::string page =
      "Run `nlammr train --data data/m3` or `bench/engine_ops`; SafeDrug's `SafeDrug/data/processing.py`,\n"
      "`runs/m3/run.json`, `ndc2RXCUI.txt`, `--lr`, and [a site](https://example.org/x.md).\n"
      "```\n"
      "`engine/inside_a_fence.h`\n"
      "```\n"
      "`engine/a.h`, `data/`, `engine/b.{h,cpp}`, `engine/c.cpp:3` and `engine/d.cpp:4-9` (`run()`).\n"
      "See [the engine](engine.md#autograd) and `engine/e.cpp:1-2`\n"
      "(`wrapped`).\n";
  const std::vector<Reference> refs = find_references("p.md", page, roots, "docs");
  REQUIRE(refs.size() == 8);
  CHECK(refs[0].path == "engine/a.h");
  CHECK(refs[0].line == 6);
  CHECK(refs[1].path == "data/");
  CHECK(refs[1].folder);
  CHECK_FALSE(refs[0].ranged);
  CHECK(refs[2].path == "engine/b.h");
  CHECK(refs[3].path == "engine/b.cpp");
  CHECK(refs[4].path == "engine/c.cpp");
  CHECK(refs[4].first == 3);
  CHECK(refs[4].last == 3);
  CHECK(refs[4].symbol.empty());
  CHECK(refs[5].path == "engine/d.cpp");
  CHECK(refs[5].first == 4);
  CHECK(refs[5].last == 9);
  CHECK(refs[5].symbol == "run()");
  CHECK(refs[6].path == "engine/e.cpp");
  CHECK(refs[6].symbol == "wrapped");  // on the next line, where the text wraps
  CHECK(refs[7].path == "docs/engine.md");
  CHECK(refs[7].line == 7);
}

TEST_CASE("a wrong reference is reported, a right one is not") {
  nlammr::testing::ScratchDir dir("doc_references");
  fs::create_directories(fs::path(dir.path()) / "engine");
  fs::create_directories(fs::path(dir.path()) / "docs");
  // Five lines; `step` on line 4.
  dir.write("engine/opt.cpp", "// optimizer\n#include <x>\n\nvoid Adam::step() {\n}\n");
  // `Sgd::step` on line 6, five lines into 2-6.
  dir.write("engine/sgd.cpp", "// sgd\n\n// the step\n// of SGD\n//\nvoid Sgd::step() {}\n");
  dir.write("docs/engine.md", "# engine\n");
  const std::string page =
      "`engine/opt.cpp:4-5` (`Adam::step`) is right.\n"                  // 1
      "`engine/opt.cpp:1-3` (`Adam::step`): the symbol is below.\n"     // 2
      "`engine/opt.cpp:4-6`: the file has five lines.\n"                // 3
      "`engine/opt.cpp:5-4`: not a range.\n"                            // 4
      "`engine/gone.cpp` was moved.\n"                                  // 5
      "`engine/nested/` is no folder.\n"                                // 6
      "[engine](engine.md) is right, [io](io.md) is missing.\n"         // 7
      "`engine/opt.cpp:0` starts before the file.\n"                    // 8
      "`engine/sgd.cpp:2-6` (`Sgd::step`) starts too far above it.\n";  // 9
  const std::vector<Reference> refs =
      find_references("made-up.md", page, nlammr::docs::root_folders(dir.path()), "docs");
  REQUIRE(refs.size() == 10);
  std::vector<std::string> problems;
  for (const Reference& r : refs) problems.push_back(check_reference(r, dir.path()));
  CHECK(problems[0] == "");
  CHECK(problems[1] == "engine/opt.cpp:1-3: `Adam::step` is not within these lines");
  CHECK(problems[2] == "engine/opt.cpp:4-6: the file has only 5 lines");
  CHECK(problems[3] == "engine/opt.cpp:5-4: not a range of lines (first must be >= 1 and <= last)");
  CHECK(problems[4] == "no such file engine/gone.cpp");
  CHECK(problems[5] == "no such folder engine/nested/");
  CHECK(problems[6] == "");
  CHECK(problems[7] == "no such file docs/io.md");
  CHECK(problems[8] == "engine/opt.cpp:0-0: not a range of lines (first must be >= 1 and <= last)");
  // The hints that help fix them.
  using nlammr::docs::hint_for;
  CHECK(hint_for(refs[1], dir.path()) == "`Adam::step` is written on line(s) 4");
  CHECK(hint_for(refs[9], dir.path()) == "`Sgd::step` is written on line(s) 6");
  fs::create_directories(fs::path(dir.path()) / "engine/moved");
  dir.write("engine/moved/gone.cpp", "");
  CHECK(hint_for(refs[4], dir.path()) == "a file of that name: engine/moved/gone.cpp");
  CHECK(problems[9] == "engine/sgd.cpp:2-6: `Sgd::step` is not within the first 4 lines (has the code moved?)");
}
