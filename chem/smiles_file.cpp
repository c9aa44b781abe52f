#include "chem/smiles_file.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "io/input_file.h"

namespace nlammr {
namespace {

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

std::vector<std::string> split(const std::string& s, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t pos; (pos = s.find(separator, start)) != std::string::npos; start = pos + 1) {
    parts.push_back(s.substr(start, pos - start));
  }
  parts.push_back(s.substr(start));
  return parts;
}

}  // namespace

std::vector<SmilesEntry> read_smiles_file(const std::string& path) {
  std::istringstream in(read_input_file(path));
  std::vector<SmilesEntry> entries;
  std::string raw;
  for (int number = 1; std::getline(in, raw); ++number) {
    auto fail = [&](const std::string& problem) {
      throw std::runtime_error(path + ":" + std::to_string(number) + ": " + problem);
    };
    if (!raw.empty() && raw.back() == '\r') raw.pop_back();
    const std::string line = trim(raw);
    if (line.empty() || line[0] == '#') continue;
    if (raw.find('\t') != std::string::npos) {
      const std::vector<std::string> fields = split(raw, '\t');
      if (fields.size() != 2) fail("expected two tab-separated fields (code, smiles|smiles|...)");
      if (number == 1 && fields[0] == "atc3" && fields[1] == "smiles") continue;  // header
      const std::string code = trim(fields[0]);
      if (code.empty()) fail("empty code");
      for (const std::string& smiles : split(fields[1], '|')) {
        if (trim(smiles).empty() || trim(smiles) != smiles) fail("empty or space-padded SMILES in the list");
        entries.push_back({smiles, code, number});
      }
    } else {
      if (line.find(' ') != std::string::npos) fail("a SMILES line must hold one SMILES and nothing else");
      entries.push_back({line, "", number});
    }
  }
  return entries;
}

}  // namespace nlammr
