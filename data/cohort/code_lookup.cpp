#include "data/cohort/code_lookup.h"

#include <cctype>

namespace nlammr {

namespace {

std::string canonical(const std::string& code) {
  std::string out;
  for (char c : code) {
    if (c == '.' || std::isspace(static_cast<unsigned char>(c))) continue;
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

bool has_revision_prefix(const std::string& canonical_code) {
  return canonical_code.rfind("ICD9:", 0) == 0 || canonical_code.rfind("ICD10:", 0) == 0;
}

}  // namespace

CodeLookup lookup_code(const Vocabulary& vocabulary, const std::string& code) {
  if (int i = vocabulary.find(code); i >= 0) return {i, ""};
  const std::string plain = canonical(code);
  if (int i = vocabulary.find(plain); i >= 0) return {i, ""};
  if (plain.empty() || has_revision_prefix(plain)) return {-1, "not in the cohort"};
  const int icd9 = vocabulary.find("ICD9:" + plain), icd10 = vocabulary.find("ICD10:" + plain);
  if (icd9 >= 0 && icd10 >= 0)
    return {-1, "ambiguous: both ICD9:" + plain + " and ICD10:" + plain + " are in the cohort; write the prefix"};
  if (icd9 >= 0) return {icd9, ""};
  if (icd10 >= 0) return {icd10, ""};
  return {-1, "not in the cohort"};
}

}  // namespace nlammr
