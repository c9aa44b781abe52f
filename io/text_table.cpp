#include "io/text_table.h"

#include <filesystem>
#include <stdexcept>

#include "io/csv_reader.h"

namespace nlammr {

std::string read_text_file(const std::string& path) {
  ByteStream stream(path);
  std::string text;
  for (int c = stream.get(); c != -1; c = stream.get()) text.push_back(static_cast<char>(c));
  return text;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  if (text.empty()) return parts;
  size_t start = 0;
  for (;;) {
    size_t end = text.find(separator, start);
    if (end == std::string::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += separator;
    out += parts[i];
  }
  return out;
}

std::string trim(const std::string& text) {
  const char* space = " \t\r\n";
  size_t begin = text.find_first_not_of(space);
  if (begin == std::string::npos) return "";
  size_t end = text.find_last_not_of(space);
  return text.substr(begin, end - begin + 1);
}

std::string sanitize_tsv_value(const std::string& text) {
  std::string out = text;
  for (char& c : out) {
    if (c == '\t' || c == '\n' || c == '\r' || c == '|') c = ' ';
  }
  return trim(out);
}

bool file_exists(const std::string& path) { return std::filesystem::is_regular_file(path); }

std::vector<TextRow> read_tsv(const std::string& path, const std::vector<std::string>& header,
                              size_t min_fields) {
  if (!file_exists(path)) throw std::runtime_error(path + ": file not found");
  const std::string text = read_text_file(path);
  std::vector<TextRow> rows;
  size_t line = 0;
  size_t start = 0;
  bool header_seen = false;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string content = text.substr(start, end - start);
    start = end + 1;
    ++line;
    if (!content.empty() && content.back() == '\r') content.pop_back();
    if (!header_seen) {
      // A byte-order mark is tolerated before the header.
      if (content.rfind("\xEF\xBB\xBF", 0) == 0) content.erase(0, 3);
      if (content != join(header, "\t")) {
        throw std::runtime_error(path + ":" + std::to_string(line) + ": expected the header line '" +
                                 join(header, "<TAB>") + "'");
      }
      header_seen = true;
      continue;
    }
    if (content.empty()) continue;
    std::vector<std::string> fields = split(content, '\t');
    if (fields.size() < min_fields || fields.size() > header.size()) {
      throw std::runtime_error(path + ":" + std::to_string(line) + ": expected " +
                               (min_fields == header.size() ? std::to_string(min_fields)
                                                            : std::to_string(min_fields) + " to " +
                                                                  std::to_string(header.size())) +
                               " tab-separated fields, found " + std::to_string(fields.size()));
    }
    fields.resize(header.size());
    rows.push_back({line, std::move(fields)});
  }
  if (!header_seen) throw std::runtime_error(path + ": file is empty (expected a header line)");
  return rows;
}

}  // namespace nlammr
