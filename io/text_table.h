// Plain tab-separated tables (no quoting) as the cohort format uses them, and
// small string helpers shared by the readers.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace nlammr {

struct TextRow {
  size_t line = 0;  // 1-based line number in the file
  std::vector<std::string> fields;
};

// Reads a tab-separated file whose first line must equal `header` (its
// fields joined by tabs). Every further non-empty line must have between
// min_fields and header.size() fields; a missing trailing field reads as "".
// Throws naming the file and line for a wrong header or a bad row.
std::vector<TextRow> read_tsv(const std::string& path, const std::vector<std::string>& header,
                              size_t min_fields);

// Reads a whole file (gzip or plain) into a string; throws when unreadable.
std::string read_text_file(const std::string& path);

// Splits on one character; an empty string gives no parts.
std::vector<std::string> split(const std::string& text, char separator);
std::string join(const std::vector<std::string>& parts, const std::string& separator);
std::string trim(const std::string& text);

// Replaces tabs, line breaks and the list separator '|' by spaces, so that a
// free-text value cannot break a TSV row or a '|' list.
std::string sanitize_tsv_value(const std::string& text);

bool file_exists(const std::string& path);

}  // namespace nlammr
