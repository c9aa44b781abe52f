// Lists of SMILES: one per line, or the medication table's
// "atc3<TAB>smiles|smiles|..." lines (header "atc3<TAB>smiles").
#pragma once

#include <string>
#include <vector>

namespace nlammr {

struct SmilesEntry {
  std::string smiles;
  std::string group;  // the ATC3 code of a table line, "" for a plain line
  int line = 0;       // line number in the file, from 1
};

// Blank lines and lines starting with '#' are skipped. Throws
// std::runtime_error("<path>:<line>: <problem>") for a line that is neither
// a single SMILES nor a "code<TAB>smiles|..." pair, and when the file cannot
// be read.
std::vector<SmilesEntry> read_smiles_file(const std::string& path);

}  // namespace nlammr
