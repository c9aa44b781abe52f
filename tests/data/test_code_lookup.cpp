// Codes as users type them, found in MIMIC-III (bare) and MIMIC-IV (ICD9:/ICD10:) vocabularies.
#include <doctest/doctest.h>

#include "data/cohort/code_lookup.h"

using namespace nlammr;

TEST_CASE("bare, dotted and lower-case codes find their revision-prefixed keys") {
  Vocabulary v4;
  const int hf9 = v4.add("ICD9:4280"), htn10 = v4.add("ICD10:I10"), e876_9 = v4.add("ICD9:E876"),
            e876_10 = v4.add("ICD10:E876");
  CHECK(lookup_code(v4, "ICD9:4280").index == hf9);
  CHECK(lookup_code(v4, "4280").index == hf9);
  CHECK(lookup_code(v4, "428.0").index == hf9);
  CHECK(lookup_code(v4, "i10").index == htn10);
  CHECK(lookup_code(v4, "icd10:i10").index == htn10);
  // E876 is a code in both revisions: the bare form is ambiguous, the prefixed ones are not.
  const CodeLookup both = lookup_code(v4, "E876");
  CHECK(both.index == -1);
  CHECK(both.problem.find("ambiguous") != std::string::npos);
  CHECK(both.problem.find("ICD9:E876 and ICD10:E876") != std::string::npos);
  CHECK(lookup_code(v4, "ICD9:E876").index == e876_9);
  CHECK(lookup_code(v4, "ICD10:E87.6").index == e876_10);
  // Unknown codes, and a prefix that names the other revision, are not guessed.
  CHECK(lookup_code(v4, "99999").index == -1);
  CHECK(lookup_code(v4, "ICD10:4280").index == -1);
  CHECK(lookup_code(v4, "").index == -1);

  Vocabulary v3;  // MIMIC-III: bare keys
  const int htn = v3.add("4019");
  CHECK(lookup_code(v3, "4019").index == htn);
  CHECK(lookup_code(v3, "401.9").index == htn);
  CHECK(lookup_code(v3, "ICD9:4019").index == -1);
}
