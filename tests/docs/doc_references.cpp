#include "tests/docs/doc_references.h"

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

namespace nlammr::docs {
namespace fs = std::filesystem;

namespace {

// A range starts where its symbol is introduced: the name must be written in
// its first lines (a comment or a template line may come first). This is
// what catches a range that code above it has pushed down by a few lines.
constexpr int64_t kSymbolLead = 4;

// `a/b.{h,cpp}` -> a/b.h, a/b.cpp (one brace group); anything else as is.
std::vector<std::string> expand_braces(const std::string& s) {
  const size_t open = s.find('{'), close = s.find('}');
  if (open == std::string::npos || close == std::string::npos || close < open) return {s};
  std::vector<std::string> out;
  std::stringstream alternatives(s.substr(open + 1, close - open - 1));
  std::string alt;
  while (std::getline(alternatives, alt, ','))
    out.push_back(s.substr(0, open) + alt + s.substr(close + 1));
  return out;
}

bool has_extension(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  return name.find('.') != std::string::npos && name.back() != '.';
}

bool starts_with_root_folder(const std::string& path, const std::vector<std::string>& roots) {
  const size_t slash = path.find('/');
  if (slash == std::string::npos) return false;
  return std::find(roots.begin(), roots.end(), path.substr(0, slash)) != roots.end();
}

// "a/./b/../c" -> "a/c", for links written relative to a page.
std::string normalise(const std::string& path) {
  return fs::path(path).lexically_normal().generic_string();
}

void add_span(const std::string& page, int64_t line_no, const std::string& span, const std::string& after,
              const std::vector<std::string>& roots, std::vector<Reference>& out) {
  // path[:first[-last]], the path allowing one {a,b} group.
  static const std::regex shape(R"(^([A-Za-z0-9_.+/{},-]+?)(?::([0-9]+)(?:-([0-9]+))?)?$)");
  static const std::regex symbol_after(R"(^\s*\(`([^`]+)`\))");
  std::smatch m;
  if (!std::regex_match(span, m, shape)) return;
  const bool ranged = m[2].matched;
  for (const std::string& path : expand_braces(m[1].str())) {
    if (!starts_with_root_folder(path, roots)) continue;
    const bool folder = path.back() == '/';
    if (!ranged && !folder && !has_extension(path)) continue;  // a command, an output, a run folder
    Reference r;
    r.page = page, r.line = line_no, r.path = path, r.folder = folder;
    if (ranged) {
      r.ranged = true;
      r.first = std::stoll(m[2].str());
      r.last = m[3].matched ? std::stoll(m[3].str()) : r.first;
      std::smatch s;
      if (std::regex_search(after, s, symbol_after)) r.symbol = s[1].str();
    }
    out.push_back(r);
  }
}

void add_link(const std::string& page, int64_t line_no, const std::string& target, const std::string& page_dir,
              std::vector<Reference>& out) {
  if (target.empty() || target[0] == '#' || target.find("://") != std::string::npos ||
      target.rfind("mailto:", 0) == 0)
    return;
  std::string path = target.substr(0, target.find('#'));
  if (path.empty()) return;
  Reference r;
  r.page = page, r.line = line_no, r.folder = path.back() == '/';
  r.path = normalise(page_dir.empty() ? path : page_dir + "/" + path);
  if (r.folder && r.path.back() != '/') r.path += '/';
  out.push_back(r);
}

int64_t count_lines(const std::string& text) {
  if (text.empty()) return 0;
  const int64_t newlines = std::count(text.begin(), text.end(), '\n');
  return text.back() == '\n' ? newlines : newlines + 1;
}

}  // namespace

std::vector<Reference> find_references(const std::string& page, const std::string& text,
                                       const std::vector<std::string>& roots, const std::string& page_dir) {
  static const std::regex link(R"(\]\(([^)\s]+)\))");
  std::vector<Reference> out;
  std::vector<std::string> lines;
  {
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) lines.push_back(l);
  }
  bool in_fence = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    const int64_t line_no = static_cast<int64_t>(i) + 1;
    // A symbol may follow its range on the next line, where the text wraps.
    const std::string next = i + 1 < lines.size() ? " " + lines[i + 1] : "";
    const size_t indent = line.find_first_not_of(" \t");
    if (indent != std::string::npos && line.compare(indent, 3, "```") == 0) {
      in_fence = !in_fence;
      continue;
    }
    if (in_fence) continue;
    // Backtick spans, in order; links are looked for in the text outside them
    // (a SMILES such as `C[N+](=O)[O-]` is no link).
    std::string outside;
    size_t pos = 0;
    for (;;) {
      const size_t open = line.find('`', pos);
      const size_t close = open == std::string::npos ? open : line.find('`', open + 1);
      if (close == std::string::npos) break;
      outside += line.substr(pos, open - pos) + " ";
      add_span(page, line_no, line.substr(open + 1, close - open - 1), line.substr(close + 1) + next, roots, out);
      pos = close + 1;
    }
    outside += line.substr(pos);
    for (std::sregex_iterator it(outside.begin(), outside.end(), link), end; it != end; ++it)
      add_link(page, line_no, (*it)[1].str(), page_dir, out);
  }
  return out;
}

std::string check_reference(const Reference& ref, const fs::path& root) {
  const fs::path full = root / ref.path;
  if (ref.folder) return fs::is_directory(full) ? "" : "no such folder " + ref.path;
  if (!fs::is_regular_file(full)) return "no such file " + ref.path;
  if (!ref.ranged) return "";
  const std::string where = ref.path + ":" + std::to_string(ref.first) + "-" + std::to_string(ref.last);
  std::ifstream in(full, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  const int64_t lines = count_lines(text);
  if (ref.first < 1 || ref.last < ref.first)
    return where + ": not a range of lines (first must be >= 1 and <= last)";
  if (ref.last > lines) return where + ": the file has only " + std::to_string(lines) + " lines";
  if (ref.symbol.empty()) return "";
  // The named lines, and the symbol as written (a trailing "()" dropped).
  std::string symbol = ref.symbol;
  if (symbol.size() > 2 && symbol.compare(symbol.size() - 2, 2, "()") == 0) symbol.resize(symbol.size() - 2);
  std::istringstream in_lines(text);
  std::string line, range, lead;
  for (int64_t n = 1; n <= ref.last && std::getline(in_lines, line); ++n) {
    if (n >= ref.first) range += line + "\n";
    if (n >= ref.first && n < ref.first + kSymbolLead) lead += line + "\n";
  }
  if (range.find(symbol) == std::string::npos) return where + ": `" + symbol + "` is not within these lines";
  if (lead.find(symbol) == std::string::npos)
    return where + ": `" + symbol + "` is not within the first " + std::to_string(kSymbolLead) +
           " lines (has the code moved?)";
  return "";
}

std::string hint_for(const Reference& ref, const fs::path& root) {
  std::string found;
  auto add = [&found](const std::string& s) { found += (found.empty() ? "" : ", ") + s; };
  const fs::path full = root / ref.path;
  if (!ref.folder && !fs::is_regular_file(full)) {
    const std::string name = fs::path(ref.path).filename().string();
    for (const std::string& top : root_folders(root))
      for (const auto& entry : fs::recursive_directory_iterator(root / top))
        if (entry.is_regular_file() && entry.path().filename() == name)
          add(fs::relative(entry.path(), root).generic_string());
    return found.empty() ? "" : "a file of that name: " + found;
  }
  if (ref.symbol.empty() || ref.folder) return "";
  std::string symbol = ref.symbol;
  if (symbol.size() > 2 && symbol.compare(symbol.size() - 2, 2, "()") == 0) symbol.resize(symbol.size() - 2);
  std::ifstream in(full, std::ios::binary);
  std::string line;
  for (int64_t n = 1; std::getline(in, line); ++n)
    if (line.find(symbol) != std::string::npos) add(std::to_string(n));
  return found.empty() ? "" : "`" + symbol + "` is written on line(s) " + found;
}

std::vector<std::string> root_folders(const fs::path& root) {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(root)) {
    if (!entry.is_directory()) continue;
    const std::string name = entry.path().filename().string();
    // Hidden folders, build trees and run outputs are not part of the source.
    if (name.empty() || name[0] == '.' || name.rfind("build", 0) == 0 || name == "runs") continue;
    out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace nlammr::docs
