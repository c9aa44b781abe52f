// The cohort directory format: round trip, the reference split, the shared
// MIMIC-III cohort, and the errors bad files give.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "data/cohort/cohort.h"
#include "io/text_table.h"
#include "tests/data/data_test_helpers.h"
#include "tests/test_support.h"

using namespace nlammr;
using nlammr::testing::ScratchDir;
using nlammr::testing::write_text;

namespace {

Cohort small_cohort() {
  Cohort c;
  auto visit = [&](std::vector<std::string> dx, std::vector<std::string> px, std::vector<std::string> meds,
                   std::vector<std::string> symptoms = {}) {
    Visit v;
    for (auto& d : dx) v.diagnoses.push_back(c.diagnoses.add(d));
    for (auto& p : px) v.procedures.push_back(c.procedures.add(p));
    for (auto& m : meds) v.medications.push_back(c.medications.add(m));
    v.symptoms = symptoms;
    return v;
  };
  Patient a{"17", {}};
  a.visits.push_back(visit({"4280", "0389"}, {"3893"}, {"C03C", "B01A"}, {"short of breath", "leg \"swelling\""}));
  a.visits.push_back(visit({"4280"}, {}, {"C03C", "N02B"}));
  Patient b{"p-002", {}};
  b.visits.push_back(visit({"V5861"}, {"0066"}, {"B01A"}));
  c.patients = {a, b};
  c.resize_tables();
  c.diagnosis_titles[0] = {"CHF NOS", "Congestive heart failure, unspecified"};
  c.diagnosis_titles[1] = {"Septicemia NOS", "Unspecified septicemia"};
  c.diagnosis_titles[2] = {"Long-term use anticoagul", "Long-term (current) use of anticoagulants"};
  c.procedure_titles[0] = {"Venous cath NEC", "Venous catheterization, not elsewhere classified"};
  c.procedure_titles[1] = {"PTCA", "Percutaneous transluminal coronary angioplasty [PTCA]"};
  c.medication_smiles[0] = {"NS(=O)(=O)c1cc(C(=O)O)c(NCc2ccco2)cc1Cl"};
  c.medication_smiles[1] = {"CC(=O)Oc1ccccc1C(=O)O", "OC(=O)Cc1ccccc1Nc1c(Cl)cccc1Cl"};
  c.medication_smiles[2] = {"CC(=O)Nc1ccc(O)cc1"};
  c.medication_names[0] = {"Furosemide"};
  c.medication_names[2] = {"Acetaminophen", "Acetaminophen IV"};
  c.ddi.add(1, 2);
  return c;
}

std::vector<std::string> codes(const Vocabulary& v, const std::vector<int>& indices) {
  std::vector<std::string> out;
  for (int i : indices) out.push_back(v.code(i));
  return out;
}

// Writes a valid cohort, then lets the test break one file.
std::string write_small(const ScratchDir& dir) {
  write_cohort(small_cohort(), dir.path());
  return dir.path();
}

}  // namespace

TEST_CASE("cohort round trip keeps every field") {
  ScratchDir dir("cohort_roundtrip");
  const Cohort original = small_cohort();
  write_cohort(original, dir.path());
  CohortReadReport report;
  const Cohort back = read_cohort(dir.path(), {}, &report);
  REQUIRE(back.patients.size() == 2);
  CHECK(back.patients[0].id == "17");
  CHECK(back.patients[1].id == "p-002");
  CHECK(back.diagnoses.codes() == original.diagnoses.codes());
  CHECK(back.procedures.codes() == original.procedures.codes());
  CHECK(back.medications.codes() == original.medications.codes());
  for (size_t p = 0; p < 2; ++p) {
    REQUIRE(back.patients[p].visits.size() == original.patients[p].visits.size());
    for (size_t v = 0; v < back.patients[p].visits.size(); ++v) {
      const Visit& x = back.patients[p].visits[v];
      const Visit& y = original.patients[p].visits[v];
      CHECK(codes(back.diagnoses, x.diagnoses) == codes(original.diagnoses, y.diagnoses));
      CHECK(codes(back.procedures, x.procedures) == codes(original.procedures, y.procedures));
      CHECK(codes(back.medications, x.medications) == codes(original.medications, y.medications));
      CHECK(x.symptoms == y.symptoms);
    }
  }
  CHECK(back.diagnosis_titles[1].long_title == "Unspecified septicemia");
  CHECK(back.procedure_titles[1].short_title == "PTCA");
  CHECK(back.medication_smiles == original.medication_smiles);
  CHECK(back.medication_names == original.medication_names);
  CHECK(back.ddi.pairs() == original.ddi.pairs());
  CHECK(back.ddi.interacts(2, 1));
  CHECK(!back.ddi.interacts(0, 1));
  CHECK(report.unknown_codes.empty());
  // The numeric id is written as a JSON number, the other as a string.
  std::ifstream in(dir.file("cohort.jsonl"));
  std::string first;
  std::getline(in, first);
  CHECK(first.rfind("{\"patient\":17,", 0) == 0);
  // Writing what was read gives the same bytes.
  ScratchDir again("cohort_roundtrip2");
  write_cohort(back, again.path());
  for (const char* f : {"cohort.jsonl", "diagnoses.tsv", "procedures.tsv", "medications.tsv", "medication_names.tsv",
                        "ddi.tsv", "medications.vocab", "stats.json"}) {
    CAPTURE(f);
    CHECK(read_text_file(dir.file(f)) == read_text_file(again.file(f)));
  }
}

TEST_CASE("reference split: first 2/3 train, then test, then validation") {
  CohortSplit s = reference_split(10);
  CHECK(s.train.size() == 6);
  CHECK(s.test == std::vector<size_t>{6, 7});
  CHECK(s.validation == std::vector<size_t>{8, 9});
  s = reference_split(5208);
  CHECK(s.train.size() == 3472);
  CHECK(s.test.size() == 868);
  CHECK(s.validation.size() == 868);
  CHECK(s.test.front() == 3472);
  CHECK(s.validation.front() == 4340);
  s = reference_split(11);  // int(22/3) = 7, int(4/2) = 2
  CHECK(s.train.size() == 7);
  CHECK(s.test.size() == 2);
  CHECK(s.validation.size() == 2);
}

TEST_CASE("the shared MIMIC-III cohort reads with the reference's counts and split") {
  const std::string dir = testing::shared_data_path("mimic3");
  if (dir.empty()) NLAMMR_SKIP("../shared/data/mimic3 is absent");
  CohortReadReport report;
  const Cohort cohort = read_cohort(dir, {}, &report);
  const auto stats = nlohmann::json::parse(read_text_file(dir + "/stats.json"));
  CHECK(cohort.patients.size() == stats["patients"].get<size_t>());
  CHECK(cohort.visit_count() == stats["visits"].get<size_t>());
  CHECK(cohort.diagnoses.size() == stats["diagnosis_codes"].get<size_t>());
  CHECK(cohort.procedures.size() == stats["procedure_codes"].get<size_t>());
  CHECK(cohort.medications.size() == stats["medication_classes"].get<size_t>());
  CHECK(cohort.ddi.pairs().size() == stats["ddi_pairs"].get<size_t>());
  size_t smiles = 0;
  for (const auto& s : cohort.medication_smiles) smiles += s.size();
  CHECK(smiles == stats["smiles"].get<size_t>());
  const auto ours = cohort_stats(cohort);
  CHECK(ours["split_patients"] == stats["split_patients"]);
  CHECK(ours["split_visits"] == stats["split_visits"]);
  CHECK(ours["split_patients"]["train"] == 3472);
  CHECK(ours["split_visits"]["test"] == 2072);
  CHECK(ours["split_visits"]["validation"] == 2090);
  // The .vocab files fix the index order.
  CHECK(cohort.medications.code(0) == "N02B");
  CHECK(cohort.medications.find("A01A") == 1);
  CHECK(report.unknown_codes.empty());
  CHECK(!cohort.diagnosis_titles[0].long_title.empty());
}

TEST_CASE("cohort errors name the file and the line") {
  SUBCASE("truncated JSON line") {
    ScratchDir dir("cohort_truncated");
    write_small(dir);
    std::string text = read_text_file(dir.file("cohort.jsonl"));
    write_text(dir.file("cohort.jsonl"), text.substr(0, text.size() - 20));
    const std::string error = NLAMMR_ERROR_OF(read_cohort(dir.path()));
    CHECK(error.find("cohort.jsonl:2: malformed JSON") != std::string::npos);
  }
  SUBCASE("a number beyond a double's range (found by fuzz/cohort_fuzzer.cpp)") {
    // nlohmann::json throws out_of_range, not parse_error, for it; it escaped
    // as a raw library message naming no file.
    ScratchDir dir("cohort_overflow");
    write_small(dir);
    write_text(dir.file("cohort.jsonl"), "{\"patient\": 1e999, \"visits\": []}\n");
    CHECK(NLAMMR_ERROR_OF(read_cohort(dir.path())).find("cohort.jsonl:1: malformed JSON") != std::string::npos);
    write_small(dir);
    write_text(dir.file("stats.json"), "{\"patients\": 1e999}");
    CHECK(NLAMMR_ERROR_OF(read_cohort(dir.path())).find("stats.json: malformed JSON") != std::string::npos);
  }
  SUBCASE("missing file") {
    ScratchDir dir("cohort_missing");
    write_small(dir);
    std::filesystem::remove(dir.file("ddi.tsv"));
    const std::string error = NLAMMR_ERROR_OF(read_cohort(dir.path()));
    CHECK(error.find("ddi.tsv: file not found") != std::string::npos);
  }
  SUBCASE("duplicate patient") {
    ScratchDir dir("cohort_duplicate");
    write_small(dir);
    std::string text = read_text_file(dir.file("cohort.jsonl"));
    const std::string first = text.substr(0, text.find('\n') + 1);
    write_text(dir.file("cohort.jsonl"), text + first);
    const std::string error = NLAMMR_ERROR_OF(read_cohort(dir.path()));
    CHECK(error.find("cohort.jsonl:3: duplicate patient '17' (first on line 1)") != std::string::npos);
  }
  SUBCASE("visit without medications") {
    ScratchDir dir("cohort_nomeds");
    write_small(dir);
    write_text(dir.file("cohort.jsonl"),
               read_text_file(dir.file("cohort.jsonl")) +
                   "{\"patient\": 99, \"visits\": [{\"diagnoses\": [\"4280\"], \"procedures\": [], "
                   "\"medications\": [\"B01A\"]}, {\"diagnoses\": [], \"procedures\": [], \"medications\": []}]}\n");
    const std::string error = NLAMMR_ERROR_OF(read_cohort(dir.path()));
    CHECK(error.find("cohort.jsonl:3: visit 2: visit has no medications") != std::string::npos);
  }
  SUBCASE("codes must be strings") {
    ScratchDir dir("cohort_numbers");
    write_small(dir);
    write_text(dir.file("cohort.jsonl"),
               "{\"patient\": 1, \"visits\": [{\"diagnoses\": [4280], \"procedures\": [], \"medications\": [\"B01A\"]}]}\n");
    std::filesystem::remove(dir.file("stats.json"));
    const std::string error = NLAMMR_ERROR_OF(read_cohort(dir.path()));
    CHECK(error.find("cohort.jsonl:1: visit 1: 'diagnoses' must hold strings") != std::string::npos);
  }
  SUBCASE("bad TSV row") {
    ScratchDir dir("cohort_badtsv");
    write_small(dir);
    write_text(dir.file("ddi.tsv"), "atc3_a\tatc3_b\nB01A\tN02B\nC03C\n");
    const std::string error = NLAMMR_ERROR_OF(read_cohort(dir.path()));
    CHECK(error.find("ddi.tsv:3: expected 2 tab-separated fields, found 1") != std::string::npos);
  }
  SUBCASE("wrong header") {
    ScratchDir dir("cohort_header");
    write_small(dir);
    write_text(dir.file("diagnoses.tsv"), "icd\ttitle\n4280\tCHF\n");
    const std::string error = NLAMMR_ERROR_OF(read_cohort(dir.path()));
    CHECK(error.find("diagnoses.tsv:1: expected the header line") != std::string::npos);
  }
  SUBCASE("stats.json disagrees with the data") {
    ScratchDir dir("cohort_stats");
    write_small(dir);
    std::string text = read_text_file(dir.file("cohort.jsonl"));
    write_text(dir.file("cohort.jsonl"), text.substr(0, text.find('\n') + 1));  // lost the last patient
    const std::string error = NLAMMR_ERROR_OF(read_cohort(dir.path()));
    CHECK(error.find("stats.json: says 2 patients but cohort.jsonl has 1") != std::string::npos);
    CohortReadOptions lenient;
    lenient.strict = false;
    CohortReadReport report;
    CHECK(read_cohort(dir.path(), lenient, &report).patients.size() == 1);
    CHECK(report.warnings.size() == 2);  // patients and visits
  }
}

TEST_CASE("unknown codes: strict reading fails with counts, lenient reading reports them") {
  ScratchDir dir("cohort_unknown");
  write_small(dir);
  // Drop the dictionary row of 4280 (used twice) and name an unknown class in ddi.tsv.
  write_text(dir.file("diagnoses.tsv"),
             "code\tshort_title\tlong_title\n0389\tSepticemia NOS\tUnspecified septicemia\nV5861\tx\ty\n"
             "9999\tunused\tunused row\n");
  write_text(dir.file("ddi.tsv"), "atc3_a\tatc3_b\nB01A\tN02B\nB01A\tZ99Z\n");
  const std::string error = NLAMMR_ERROR_OF(read_cohort(dir.path()));
  CHECK(error.find("diagnosis code not in diagnoses.tsv: 4280 (2x)") != std::string::npos);
  CHECK(error.find("DDI class in ddi.tsv not in the medication vocabulary: Z99Z (1x)") != std::string::npos);

  CohortReadOptions lenient;
  lenient.strict = false;
  CohortReadReport report;
  const Cohort c = read_cohort(dir.path(), lenient, &report);
  CHECK(report.unknown_codes["diagnosis code not in diagnoses.tsv"]["4280"] == 2);
  CHECK(report.unknown_codes["DDI class in ddi.tsv not in the medication vocabulary"]["Z99Z"] == 1);
  CHECK(report.unused_dictionary_rows == 1);
  CHECK(c.diagnosis_titles[c.diagnoses.find("4280")].long_title.empty());
  CHECK(c.ddi.pairs().size() == 1);
}

TEST_CASE("a .vocab file fixes the index order and must cover the cohort") {
  ScratchDir dir("cohort_vocab");
  write_small(dir);
  write_text(dir.file("medications.vocab"), "N02B\nB01A\nC03C\nA02B\n");
  write_text(dir.file("medications.tsv"), "atc3\tsmiles\nN02B\tCC(=O)Nc1ccc(O)cc1\nB01A\t\nC03C\t\nA02B\t\n");
  Cohort c = read_cohort(dir.path());
  CHECK(c.medications.codes() == std::vector<std::string>{"N02B", "B01A", "C03C", "A02B"});
  CHECK(c.medication_smiles[0].size() == 1);
  CHECK(c.ddi.interacts(0, 1));  // B01A-N02B, now indices 1 and 0
  write_text(dir.file("medications.vocab"), "N02B\nB01A\n");
  const std::string error = NLAMMR_ERROR_OF(read_cohort(dir.path()));
  CHECK(error.find("medication code not in medications.vocab: C03C (2x)") != std::string::npos);
  write_text(dir.file("medications.vocab"), "N02B\nB01A\nN02B\n");
  CHECK(NLAMMR_ERROR_OF(read_cohort(dir.path())).find("medications.vocab:3: code 'N02B' appears twice") !=
        std::string::npos);
}
