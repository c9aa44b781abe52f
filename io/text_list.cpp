#include "io/text_list.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "io/atomic_file.h"

namespace nlammr {

namespace {

// Lines without their terminators; a final terminator ends the last line
// rather than starting an empty one.
std::vector<std::string> split_lines(const std::string& content) {
  std::vector<std::string> lines;
  size_t start = content.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  while (start < content.size()) {
    size_t end = content.find('\n', start);
    if (end == std::string::npos) end = content.size();
    size_t stop = end;
    if (stop > start && content[stop - 1] == '\r') --stop;
    lines.push_back(content.substr(start, stop - start));
    start = end + 1;
  }
  return lines;
}

std::string jsonl_text(const std::string& line, const std::string& where) {
  nlohmann::json value;
  try {
    value = nlohmann::json::parse(line);
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for a number like 1e999
    throw std::runtime_error(where + ": malformed JSON: " + e.what());
  }
  if (value.is_string()) return value.get<std::string>();
  if (value.is_object()) {
    auto it = value.find("text");
    if (it != value.end() && it->is_string()) return it->get<std::string>();
    throw std::runtime_error(where + ": the object has no \"text\" string");
  }
  throw std::runtime_error(where + ": expected {\"text\": \"...\"} or a JSON string, got " +
                           std::string(value.type_name()));
}

}  // namespace

TextListFormat parse_text_list_format(const std::string& name) {
  if (name == "auto") return TextListFormat::Auto;
  if (name == "lines" || name == "text" || name == "txt") return TextListFormat::Lines;
  if (name == "jsonl") return TextListFormat::Jsonl;
  throw std::runtime_error("unknown input format '" + name + "' (choose auto, lines or jsonl)");
}

TextListFormat detect_text_list_format(const std::string& path) {
  const std::string ext = std::filesystem::path(path).extension().string();
  return ext == ".jsonl" || ext == ".ndjson" || ext == ".json" ? TextListFormat::Jsonl
                                                               : TextListFormat::Lines;
}

std::vector<std::string> parse_text_list(const std::string& content, TextListFormat format,
                                         const std::string& source) {
  if (format == TextListFormat::Auto) format = detect_text_list_format(source);
  std::vector<std::string> lines = split_lines(content);
  if (format == TextListFormat::Lines) return lines;

  while (!lines.empty() && lines.back().find_first_not_of(" \t") == std::string::npos) lines.pop_back();
  std::vector<std::string> texts;
  texts.reserve(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string where = source + ":" + std::to_string(i + 1);
    if (lines[i].find_first_not_of(" \t") == std::string::npos)
      throw std::runtime_error(where + ": blank line");
    texts.push_back(jsonl_text(lines[i], where));
  }
  return texts;
}

std::vector<std::string> read_text_list(const std::string& path, TextListFormat format) {
  return parse_text_list(read_file(path), format, path);
}

}  // namespace nlammr
