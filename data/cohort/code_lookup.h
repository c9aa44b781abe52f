// Finding a code a user typed in a cohort's vocabulary. MIMIC-IV cohorts key
// their ICD codes by revision ("ICD9:4280", "ICD10:I10", see
// data/mimic/tables.h) while people write "4280", "428.0" or "I10"; MIMIC-III
// cohorts keep bare codes. The lookup tries, in order:
//   1. the code as given;
//   2. without dots and in upper case ("428.0" -> "4280", "icd10:i10" -> "ICD10:I10");
//   3. for a code without a revision prefix, "ICD9:" and "ICD10:" in front:
//      one match is taken; two (the same characters are a code in both
//      revisions) is ambiguous and the user must write the prefix.
#pragma once

#include <string>

#include "data/cohort/cohort.h"

namespace nlammr {

struct CodeLookup {
  int index = -1;       // -1: not found or ambiguous
  std::string problem;  // why not, for the message ("" when found)
};

CodeLookup lookup_code(const Vocabulary& vocabulary, const std::string& code);

}  // namespace nlammr
