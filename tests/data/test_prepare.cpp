// The MIMIC preparation on hand-made MIMIC-III and MIMIC-IV fixtures (every
// expected value below is worked out from the fixture files by hand), and on
// the MIMIC-III demo tables when they are present.
#include <doctest/doctest.h>

#include <filesystem>
#include <set>
#include <sstream>

#include "data/cohort/cohort.h"
#include "io/csv_reader.h"
#include "data/mimic/drug_mappings.h"
#include "data/mimic/prepare.h"
#include "data/mimic/timestamp.h"
#include "io/text_table.h"
#include "tests/data/data_test_helpers.h"
#include "tests/fixture_bundle.h"
#include "tests/test_support.h"

using namespace nlammr;
using nlammr::testing::ScratchDir;
using nlammr::testing::write_text;

namespace {

std::vector<std::string> codes(const Vocabulary& v, const std::vector<int>& indices) {
  std::vector<std::string> out;
  for (int i : indices) out.push_back(v.code(i));
  return out;
}

using Strings = std::vector<std::string>;

PrepareOptions mimic3_mini(const ScratchDir& out) {
  PrepareOptions o;
  o.version = MimicVersion::kMimic3;
  o.mimic_dir = testing::unpack_fixture_bundle("data/mimic3-mini.bundle");
  o.out_dir = out.path();
  o.ddi_selection.top_k = 2;
  return o;
}

nlohmann::ordered_json prepare_mimic_report(const PrepareOptions& options) { return prepare_mimic(options).report; }

size_t count(const nlohmann::ordered_json& report, const std::string& key) {
  return report["counts"].contains(key) ? report["counts"][key].get<size_t>() : 0;
}

std::set<std::pair<std::string, std::string>> ddi_names(const Cohort& c) {
  std::set<std::pair<std::string, std::string>> out;
  for (auto [a, b] : c.ddi.pairs()) {
    std::string x = c.medications.code(a), y = c.medications.code(b);
    out.insert(x < y ? std::make_pair(x, y) : std::make_pair(y, x));
  }
  return out;
}

}  // namespace

TEST_CASE("prepare mimic3: the hand-made tables give the cohort worked out by hand") {
  ScratchDir out("prepare3");
  const auto report = prepare_mimic_report(mimic3_mini(out));
  const Cohort c = read_cohort(out.path());

  REQUIRE(c.patients.size() == 3);
  CHECK(c.patients[0].id == "101");
  CHECK(c.patients[1].id == "104");
  CHECK(c.patients[2].id == "105");
  // Patient 101: admission 1003 came first in time although its id is the largest.
  const Patient& p101 = c.patients[0];
  REQUIRE(p101.visits.size() == 3);
  CHECK(codes(c.diagnoses, p101.visits[0].diagnoses) == Strings{"53081", "4280"});
  CHECK(codes(c.procedures, p101.visits[0].procedures) == Strings{"4513"});
  CHECK(codes(c.medications, p101.visits[0].medications) == Strings{"A02B", "B01A"});
  CHECK(codes(c.medications, p101.visits[1].medications) == Strings{"C03C", "B01A", "N02B"});
  CHECK(codes(c.diagnoses, p101.visits[2].diagnoses) == Strings{"4280", "4019"});
  CHECK(codes(c.medications, p101.visits[2].medications) == Strings{"C07A", "C03C"});
  // Patient 104: heparin rows (quoted name, NDC filled from the previous row)
  // are B01A; insulin (A10A) has no SMILES, so its class is gone.
  const Patient& p104 = c.patients[1];
  REQUIRE(p104.visits.size() == 2);
  CHECK(codes(c.medications, p104.visits[0].medications) == Strings{"A12B", "B01A"});
  CHECK(codes(c.diagnoses, p104.visits[0].diagnoses) == Strings{"25000", "2767"});
  CHECK(codes(c.medications, p104.visits[1].medications) == Strings{"A06A"});
  // Patient 105: unmappable drugs gone; procedures ordered by SEQ_NUM.
  const Patient& p105 = c.patients[2];
  REQUIRE(p105.visits.size() == 2);
  CHECK(codes(c.medications, p105.visits[0].medications) == Strings{"C03C"});
  CHECK(codes(c.diagnoses, p105.visits[0].diagnoses) == Strings{"486", "4280"});
  CHECK(codes(c.medications, p105.visits[1].medications) == Strings{"N02B"});
  CHECK(codes(c.procedures, p105.visits[1].procedures) == Strings{"9671", "9999"});

  CHECK(c.medications.codes() == Strings{"A02B", "B01A", "C03C", "N02B", "C07A", "A12B", "A06A"});
  // B01A's names in order of first appearance (admission 1001 before 1003),
  // and the one SMILES DrugBank has among them (heparin has none).
  const int b01a = c.medications.find("B01A");
  CHECK(c.medication_names[b01a] == Strings{"Heparin", "Aspirin", "Heparin, Porcine", "Heparin Flush"});
  CHECK(c.medication_smiles[b01a] == Strings{"CC(=O)Oc1ccccc1C(=O)O"});
  CHECK(c.medication_smiles[c.medications.find("A12B")] == Strings{"[K+].[Cl-]"});
  // Titles, one procedure code without one.
  CHECK(c.diagnosis_titles[c.diagnoses.find("486")].short_title == "Pneumonia, organism NOS");
  CHECK(c.procedure_titles[c.procedures.find("9999")].long_title.empty());
  // The two least frequent side effects (haemorrhage, rash) give two pairs.
  CHECK(ddi_names(c) == std::set<std::pair<std::string, std::string>>{{"B01A", "N02B"}, {"A02B", "C03C"}});

  CHECK(count(report, "prescriptions.rows_read") == 25);
  CHECK(count(report, "prescriptions.ndc_0_dropped") == 1);
  CHECK(count(report, "prescriptions.filled_from_previous_row.NDC") == 1);
  CHECK(count(report, "prescriptions.filled_from_previous_row.ICUSTAY_ID") == 1);
  CHECK(count(report, "prescriptions.duplicate_rows_dropped") == 1);
  CHECK(count(report, "prescriptions.patients_with_one_admission_dropped") == 1);
  CHECK(count(report, "mapping.rows_ndc_without_rxcui") == 1);
  CHECK(count(report, "mapping.rows_rxcui_empty_or_not_numeric") == 1);
  CHECK(count(report, "mapping.rows_rxcui_without_atc4") == 1);
  CHECK(count(report, "rxcui_atc4.bad_rows") == 1);
  CHECK(count(report, "smiles.classes_without_smiles_dropped") == 2);  // A10A, J01X
  CHECK(count(report, "diagnoses.missing_value_dropped") == 1);
  CHECK(count(report, "diagnoses.duplicate_rows_dropped") == 1);
  CHECK(count(report, "combine.admissions_in_all_three") == 8);
  CHECK(count(report, "admissions.two_digit_year_dates") == 2);
  CHECK(count(report, "cohort.patients_below_min_visits_dropped") == 1);  // 102
  CHECK(count(report, "titles.procedure_codes_without_title") == 1);
  CHECK(count(report, "twosides.bad_rows") == 1);
  CHECK(count(report, "twosides.kept_side_effects") == 2);
  CHECK(report["examples"]["mapping.rows_ndc_without_rxcui"][0] == "99999999999");
  CHECK(file_exists(out.file("prepare_report.json")));
  CHECK(file_exists(out.file("medication_names.tsv")));
}

TEST_CASE("prepare mimic3: options change what the reference's choices would give") {
  ScratchDir out("prepare3_options");
  PrepareOptions o = mimic3_mini(out);
  SUBCASE("visits by admission id, as the reference leaves them") {
    o.visit_order = VisitOrder::kAdmissionId;
    prepare_mimic(o);
    const Cohort c = read_cohort(out.path());
    CHECK(codes(c.medications, c.patients[0].visits[0].medications) == Strings{"C03C", "B01A", "N02B"});
    CHECK(codes(c.medications, c.patients[0].visits[2].medications) == Strings{"A02B", "B01A"});
  }
  SUBCASE("the most frequent side effects instead of the least") {
    o.ddi_selection.which = SideEffectSelection::kMostFrequent;
    prepare_mimic(o);
    const Cohort c = read_cohort(out.path());
    CHECK(ddi_names(c) == std::set<std::pair<std::string, std::string>>{{"C07A", "N02B"},
                                                                         {"A12B", "C03C"},
                                                                         {"A02B", "N02B"},
                                                                         {"A12B", "C07A"},
                                                                         {"A12B", "B01A"},
                                                                         {"A12B", "N02B"}});
  }
  SUBCASE("dropping rows with empty fields instead of filling them") {
    o.missing_values = MissingValues::kDrop;
    const auto report = prepare_mimic_report(o);
    CHECK(count(report, "prescriptions.missing_value_dropped") == 2);
    const Cohort c = read_cohort(out.path());
    CHECK(c.medication_names[c.medications.find("B01A")] == Strings{"Heparin", "Aspirin", "Heparin, Porcine"});
  }
  SUBCASE("top-N medications") {
    o.top_medications = 2;  // C03C (4 rows) and B01A (6 rows, counting the heparin rows)
    const auto report = prepare_mimic_report(o);
    const Cohort c = read_cohort(out.path());
    CHECK(c.medications.size() == 2);
    CHECK(count(report, "medications.classes_beyond_top_n_dropped") == 7);
  }
  SUBCASE("skipping DDI and SMILES keeps every mapped class and warns") {
    o.skip_ddi = true;
    o.skip_smiles = true;
    const auto report = prepare_mimic_report(o);
    const Cohort c = read_cohort(out.path());
    CHECK(c.medications.find("A10A") >= 0);
    CHECK(c.ddi.pairs().empty());
    CHECK(report["warnings"].size() == 2);
  }
}

TEST_CASE("prepare: a missing mapping file is an error naming it and where to get it") {
  ScratchDir out("prepare_missing");
  PrepareOptions o = mimic3_mini(out);
  o.rxcui_atc_file = out.file("nowhere/RXCUI2atc4.csv");
  std::string error = NLAMMR_ERROR_OF(prepare_mimic(o));
  CHECK(error.find("nowhere/RXCUI2atc4.csv: RxCUI -> ATC level 4 mapping not found") != std::string::npos);
  CHECK(error.find("ndc2atc_level4.csv") != std::string::npos);
  o = mimic3_mini(out);
  o.ddi_file = out.file("drug-DDI.csv");
  error = NLAMMR_ERROR_OF(prepare_mimic(o));
  CHECK(error.find("TWOSIDES") != std::string::npos);
  CHECK(error.find("--skip-ddi") != std::string::npos);
  o = mimic3_mini(out);
  o.mimic_dir = out.path();
  error = NLAMMR_ERROR_OF(prepare_mimic(o));
  CHECK(error.find("MIMIC table 'prescriptions' not found") != std::string::npos);
}

TEST_CASE("prepare mimic4: hosp tables, ICD-9 and ICD-10 kept apart by version") {
  ScratchDir out("prepare4");
  PrepareOptions o;
  o.version = MimicVersion::kMimic4;
  o.mimic_dir = testing::unpack_fixture_bundle("data/mimic4-mini.bundle");
  o.out_dir = out.path();
  const std::string maps = testing::unpack_fixture_bundle("data/mimic3-mini.bundle") + "/";
  o.ndc_rxcui_file = maps + "ndc2RXCUI.txt";
  o.rxcui_atc_file = maps + "RXCUI2atc4.csv";
  o.drug_atc_file = maps + "drug-atc.csv";
  o.drugbank_file = maps + "drugbank_drugs_info.csv";
  o.ddi_file = maps + "drug-DDI.csv";
  o.ddi_selection.top_k = 2;
  const auto report = prepare_mimic_report(o);
  const Cohort c = read_cohort(out.path());
  REQUIRE(c.patients.size() == 2);
  CHECK(c.patients[0].id == "10000001");
  const Patient& a = c.patients[0];
  CHECK(codes(c.diagnoses, a.visits[0].diagnoses) == Strings{"ICD9:4280", "ICD10:I10"});
  CHECK(codes(c.procedures, a.visits[0].procedures) == Strings{"ICD9:3893"});
  // Metoprolol Tartrate is not a DrugBank name, so C07A has no SMILES and goes.
  CHECK(codes(c.medications, a.visits[0].medications) == Strings{"C03C"});
  CHECK(codes(c.medications, a.visits[1].medications) == Strings{"N02B", "B01A"});
  CHECK(codes(c.procedures, a.visits[1].procedures) == Strings{"ICD10:02HV33Z"});
  // Patient 10000002: admission 20000004 was first in time.
  const Patient& b = c.patients[1];
  CHECK(codes(c.diagnoses, b.visits[0].diagnoses) == Strings{"ICD9:4019", "ICD10:E876"});
  CHECK(codes(c.medications, b.visits[0].medications) == Strings{"B01A", "A12B"});
  CHECK(codes(c.medications, b.visits[1].medications) == Strings{"A02B"});
  // The same code in both revisions gets its own title.
  CHECK(c.diagnosis_titles[c.diagnoses.find("ICD10:E876")].long_title == "Hypokalemia");
  CHECK(c.diagnosis_titles[c.diagnoses.find("ICD9:4280")].long_title == "Congestive heart failure, unspecified");
  CHECK(c.diagnosis_titles[c.diagnoses.find("ICD10:I10")].short_title.empty());
  CHECK(ddi_names(c) == std::set<std::pair<std::string, std::string>>{{"B01A", "N02B"}, {"A02B", "C03C"}});
  CHECK(count(report, "prescriptions.ndc_0_dropped") == 1);
  CHECK(count(report, "smiles.classes_without_smiles_dropped") == 1);
  CHECK(count(report, "prescriptions.patients_with_one_admission_dropped") == 1);
}

TEST_CASE("timestamps: ISO and spreadsheet forms, invalid dates rejected") {
  auto key = [](const char* s) { return parse_mimic_timestamp(s).value().key; };
  CHECK(key("2150-01-05 08:00:00") < key("2150-01-05 08:00:01"));
  CHECK(key("2150-01-05") < key("2150-01-05 00:00:01"));
  CHECK(key("1/5/50 8:00") == key("2150-01-05 08:00:00"));
  CHECK(key("12/31/2149 23:59") < key("1/1/50 0:00"));
  CHECK(parse_mimic_timestamp("3/1/60 9:00")->two_digit_year);
  CHECK(!parse_mimic_timestamp("2150-02-30 00:00:00"));
  CHECK(!parse_mimic_timestamp("2150-13-01"));
  CHECK(!parse_mimic_timestamp("yesterday"));
  CHECK(!parse_mimic_timestamp(""));
}

TEST_CASE("the NDC -> RxCUI dict literal, and its errors") {
  const auto d = parse_python_string_dict("{'001': u'10', \"002\": '', 'idx': 3,}", "x.txt");
  CHECK(d.at("001") == "10");
  CHECK(d.at("002").empty());
  CHECK(d.at("idx") == "3");
  const std::string error = NLAMMR_ERROR_OF(parse_python_string_dict("{'001': u'10' '002'}", "x.txt"));
  CHECK(error.find("x.txt: byte 14: expected '}'") != std::string::npos);
}

// The demo tables have neither SafeDrug's RXCUI2atc4.csv nor DrugBank nor
// TWOSIDES. The test writes an RxCUI -> ATC4 table from the committed
// drug-name -> ATC4 facts (tests/fixtures/data/drug_name_atc4.tsv) for the
// RxCUIs the demo's prescriptions reach, and prepares with --skip-smiles and
// --skip-ddi.
TEST_CASE("prepare on the MIMIC-III demo tables") {
  const std::string demo = testing::shared_data_path("mimic3-demo");
  if (demo.empty()) NLAMMR_SKIP("../shared/data/mimic3-demo is absent");
  ScratchDir work("prepare_demo");
  std::unordered_map<std::string, std::string> atc4_of_name;
  for (const auto& row : read_tsv(testing::fixture_path("data/drug_name_atc4.tsv"), {"drug", "atc4"}, 2)) {
    atc4_of_name[row.fields[0]] = row.fields[1];
  }
  const auto ndc_to_rxcui = read_ndc_to_rxcui(demo + "/ndc2RXCUI.txt");
  std::string table = "RXCUI,ATC4\n";
  std::set<std::string> written;
  {
    CsvTable prescriptions(demo + "/PRESCRIPTIONS.csv");
    const int drug = prescriptions.header.require("DRUG");
    const int ndc = prescriptions.header.require("NDC");
    std::vector<std::string> f;
    while (prescriptions.reader.next(f)) {
      auto rx = ndc_to_rxcui.find(f[ndc]);
      auto atc = atc4_of_name.find(f[drug]);
      if (rx == ndc_to_rxcui.end() || rx->second.empty() || atc == atc4_of_name.end()) continue;
      if (written.insert(rx->second).second) table += rx->second + "," + atc->second + "\n";
    }
  }
  REQUIRE(written.size() > 20);
  write_text(work.file("RXCUI2atc4.csv"), table);

  PrepareOptions o;
  o.version = MimicVersion::kMimic3;
  o.mimic_dir = demo;
  o.out_dir = work.file("cohort");
  o.rxcui_atc_file = work.file("RXCUI2atc4.csv");
  o.skip_smiles = true;
  o.skip_ddi = true;
  const auto report = prepare_mimic_report(o);
  const Cohort c = read_cohort(o.out_dir);
  CHECK(c.patients.size() >= 5);
  for (const Patient& p : c.patients) CHECK(p.visits.size() >= 2);
  CHECK(count(report, "prescriptions.rows_read") == 10398);
  CHECK(count(report, "diagnoses.rows_read") == 1761);
  CHECK(count(report, "procedures.rows_read") == 506);
  // A few demo codes are not in D_ICD_DIAGNOSES (codes retired from ICD-9-CM
  // before the dictionary's edition); each is counted, and left untitled.
  size_t untitled = 0;
  for (const auto& t : c.diagnosis_titles) untitled += t.long_title.empty() ? 1 : 0;
  CHECK(count(report, "titles.diagnosis_codes_without_title") == untitled);
  CHECK(untitled < c.diagnoses.size() / 10);
  CHECK(count(report, "admissions.two_digit_year_dates") > 0);  // this copy went through a spreadsheet
  MESSAGE("demo cohort: " << c.patients.size() << " patients, " << c.visit_count() << " visits, "
                          << c.medications.size() << " classes");
}
