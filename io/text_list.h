// Lists of texts read from a file, as `nlammr encode` takes them:
//
//   lines  one text per line (a final newline does not start another text;
//          "\r\n" line ends and a leading UTF-8 byte-order mark are accepted)
//   jsonl  one JSON value per line: {"text": "..."} (other fields ignored) or
//          a plain JSON string "..."; blank lines are errors, except at the end
//
// Errors name the file and the line.
#pragma once

#include <string>
#include <vector>

namespace nlammr {

enum class TextListFormat { Auto, Lines, Jsonl };

// "auto", "lines"/"text"/"txt", "jsonl"; anything else throws.
TextListFormat parse_text_list_format(const std::string& name);

// Auto: .jsonl, .ndjson and .json files are JSONL, anything else is lines.
TextListFormat detect_text_list_format(const std::string& path);

std::vector<std::string> read_text_list(const std::string& path,
                                        TextListFormat format = TextListFormat::Auto);

// The same from text in memory; `source` names it in error messages.
std::vector<std::string> parse_text_list(const std::string& content, TextListFormat format,
                                         const std::string& source);

}  // namespace nlammr
