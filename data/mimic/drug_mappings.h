// The drug mapping files of the SafeDrug preprocessing (see docs/data.md for
// where each comes from):
//
//   ndc2RXCUI.txt             NDC -> RxCUI, a Python dict literal
//   RXCUI2atc4.csv            RxCUI -> ATC level 4 (columns RXCUI, ATC4)
//   drug-atc.csv              PubChem CID -> ATC codes ("CID,ATC,ATC,...")
//   drugbank_drugs_info.csv   drug name -> SMILES (columns name, moldb_smiles)
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "data/mimic/prepare_report.h"

namespace nlammr {

// {'00338500341': u'1665046', ...}: keys and values are quoted strings
// (optionally u-prefixed) or bare numbers. Throws naming the byte offset of
// a syntax error.
std::unordered_map<std::string, std::string> parse_python_string_dict(const std::string& text,
                                                                      const std::string& path);
std::unordered_map<std::string, std::string> read_ndc_to_rxcui(const std::string& path);

// RxCUI -> ATC4 code; the first row of each RxCUI wins (the reference drops
// later duplicates). Rows with a non-numeric RxCUI or a code shorter than four
// characters are counted under "rxcui_atc4.bad_rows".
std::unordered_map<int64_t, std::string> read_rxcui_to_atc4(const std::string& path, PrepareReport& report);

// CID -> ATC codes as listed.
std::unordered_map<std::string, std::vector<std::string>> read_cid_to_atc(const std::string& path,
                                                                          PrepareReport& report);

// Drug name -> SMILES; rows without SMILES are skipped, and a later row of
// the same name replaces an earlier one (the reference builds a dict).
std::unordered_map<std::string, std::string> read_drugbank_smiles(const std::string& path, PrepareReport& report);

// Parses a whole decimal integer ("123", "-4", "123.0"); false otherwise.
bool parse_integer(const std::string& text, int64_t& value);

}  // namespace nlammr
