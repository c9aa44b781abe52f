#include "data/mimic/drug_mappings.h"

#include <cctype>
#include <cstdlib>
#include <stdexcept>

#include "io/csv_reader.h"
#include "io/text_table.h"

namespace nlammr {

bool parse_integer(const std::string& text, int64_t& value) {
  std::string digits = text;
  // pandas writes integer columns that held a missing value as floats ("12.0").
  if (digits.size() > 2 && digits.compare(digits.size() - 2, 2, ".0") == 0) digits.resize(digits.size() - 2);
  if (digits.empty() || digits.size() > 18) return false;
  size_t start = digits[0] == '-' ? 1 : 0;
  if (start == digits.size()) return false;
  for (size_t i = start; i < digits.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(digits[i]))) return false;
  }
  value = std::strtoll(digits.c_str(), nullptr, 10);
  return true;
}

namespace {

class DictParser {
 public:
  DictParser(const std::string& text, const std::string& path) : text_(text), path_(path) {}

  std::unordered_map<std::string, std::string> parse() {
    std::unordered_map<std::string, std::string> out;
    skip_space();
    expect('{');
    skip_space();
    if (peek() == '}') {
      ++pos_;
      return out;
    }
    for (;;) {
      std::string key = value();
      skip_space();
      expect(':');
      std::string val = value();
      out[key] = val;  // a repeated key keeps the last value, like Python
      skip_space();
      if (peek() == ',') {
        ++pos_;
        skip_space();
        if (peek() == '}') break;  // trailing comma
        continue;
      }
      break;
    }
    expect('}');
    skip_space();
    if (pos_ != text_.size()) fail("unexpected text after the closing brace");
    return out;
  }

 private:
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }

  [[noreturn]] void fail(const std::string& problem) const {
    throw std::runtime_error(path_ + ": byte " + std::to_string(pos_) + ": " + problem +
                             " (expected a Python dict of strings, like {'00338500341': u'1665046'})");
  }

  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }

  std::string value() {
    skip_space();
    if (peek() == 'u' || peek() == 'b') ++pos_;
    const char quote = peek();
    if (quote == '\'' || quote == '"') {
      ++pos_;
      std::string out;
      for (;;) {
        if (pos_ >= text_.size()) fail("string never closed");
        char c = text_[pos_++];
        if (c == quote) return out;
        if (c == '\\') {
          if (pos_ >= text_.size()) fail("string never closed");
          c = text_[pos_++];
        }
        out.push_back(c);
      }
    }
    // A bare number (one entry of the file maps 'idx' to an integer).
    std::string out;
    while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '.' ||
                                   text_[pos_] == '-')) {
      out.push_back(text_[pos_++]);
    }
    if (out.empty()) fail("expected a quoted string or a number");
    return out;
  }

  const std::string& text_;
  std::string path_;
  size_t pos_ = 0;
};

std::string row_where(const CsvReader& reader) { return reader.path() + ":" + std::to_string(reader.record_line()); }

}  // namespace

std::unordered_map<std::string, std::string> parse_python_string_dict(const std::string& text,
                                                                      const std::string& path) {
  return DictParser(text, path).parse();
}

std::unordered_map<std::string, std::string> read_ndc_to_rxcui(const std::string& path) {
  return parse_python_string_dict(read_text_file(path), path);
}

std::unordered_map<int64_t, std::string> read_rxcui_to_atc4(const std::string& path, PrepareReport& report) {
  CsvTable table(path);
  const int rxcui_col = table.header.require("RXCUI");
  int atc_col = table.header.find("ATC4");
  if (atc_col < 0) atc_col = table.header.find("ATC5");
  if (atc_col < 0) atc_col = table.header.require("ATC4");
  std::unordered_map<int64_t, std::string> out;
  std::vector<std::string> f;
  while (table.reader.next(f)) {
    report.count("rxcui_atc4.rows");
    int64_t rxcui = 0;
    if (f.size() != table.header.size() || !parse_integer(f[rxcui_col], rxcui) || f[atc_col].size() < 4) {
      report.count("rxcui_atc4.bad_rows");
      report.example("rxcui_atc4.bad_rows", row_where(table.reader));
      continue;
    }
    out.emplace(rxcui, f[atc_col]);  // keeps the first row of an RxCUI
  }
  return out;
}

std::unordered_map<std::string, std::vector<std::string>> read_cid_to_atc(const std::string& path,
                                                                          PrepareReport& report) {
  CsvReader reader(path);
  std::unordered_map<std::string, std::vector<std::string>> out;
  std::vector<std::string> f;
  while (reader.next(f)) {
    report.count("drug_atc.rows");
    if (f.size() < 2 || f[0].empty()) {
      report.count("drug_atc.bad_rows");
      report.example("drug_atc.bad_rows", row_where(reader));
      continue;
    }
    auto& atcs = out[f[0]];
    for (size_t i = 1; i < f.size(); ++i) {
      if (!f[i].empty()) atcs.push_back(trim(f[i]));
    }
  }
  return out;
}

std::unordered_map<std::string, std::string> read_drugbank_smiles(const std::string& path, PrepareReport& report) {
  CsvTable table(path);
  const int name_col = table.header.require("name");
  const int smiles_col = table.header.require("moldb_smiles");
  std::unordered_map<std::string, std::string> out;
  std::vector<std::string> f;
  while (table.reader.next(f)) {
    report.count("drugbank.rows");
    if (f.size() != table.header.size()) {
      report.count("drugbank.bad_rows");
      report.example("drugbank.bad_rows", row_where(table.reader));
      continue;
    }
    const std::string smiles = trim(f[smiles_col]);
    if (smiles.empty()) continue;
    if (smiles.find_first_of(" \t\r\n|") != std::string::npos) {
      report.count("drugbank.bad_smiles");
      report.example("drugbank.bad_smiles", row_where(table.reader));
      continue;
    }
    out[f[name_col]] = smiles;
  }
  report.set("drugbank.names_with_smiles", out.size());
  return out;
}

}  // namespace nlammr
