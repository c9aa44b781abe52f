// Patients and visits from the three prepared tables: admissions present in
// all three, codes of a visit in the order they first appear, visits in time
// order, patients with enough visits, then titles, molecules, names and the
// interaction matrix.
#include <map>
#include <set>

#include "data/mimic/drug_mappings.h"
#include "data/mimic/prepare_steps.h"

namespace nlammr::prepare {

namespace {

using AdmissionKey = std::pair<int64_t, int64_t>;  // (subject, hadm)

struct VisitCodes {
  std::vector<uint32_t> diagnoses, procedures, medications;
};

void append_unique(std::vector<uint32_t>& list, uint32_t value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

// Titles for the vocabulary's codes; codes without one are counted.
void attach_titles(const std::unordered_map<std::string, CodeTitles>& titles, const Vocabulary& vocabulary,
                   std::vector<CodeTitles>& out, const std::string& key, PrepareReport& report) {
  size_t missing = 0;
  for (size_t i = 0; i < vocabulary.size(); ++i) {
    auto found = titles.find(vocabulary.code(static_cast<int>(i)));
    if (found == titles.end()) {
      ++missing;
      report.example(key, vocabulary.code(static_cast<int>(i)));
    } else {
      out[i] = found->second;
    }
  }
  report.set(key, missing);
}

}  // namespace

Cohort build_cohort(const PrepareOptions& options, const InputFiles& files, const MedicationStage& medications,
                    const CodeStage& diagnoses, const CodeStage& procedures, PrepareReport& report) {
  // Admissions present in all three tables.
  std::map<AdmissionKey, VisitCodes> visits;
  std::set<AdmissionKey> with_meds, with_dx, with_px;
  for (const auto& r : medications.rows) with_meds.insert({r.subject, r.hadm});
  for (const auto& r : diagnoses.rows) with_dx.insert({r.subject, r.hadm});
  for (const auto& r : procedures.rows) with_px.insert({r.subject, r.hadm});
  for (const auto& key : with_meds) {
    if (with_dx.count(key) && with_px.count(key)) visits[key];
  }
  report.set("combine.admissions_with_medications", with_meds.size());
  report.set("combine.admissions_with_diagnoses", with_dx.size());
  report.set("combine.admissions_with_procedures", with_px.size());
  report.set("combine.admissions_in_all_three", visits.size());
  for (const auto& r : medications.rows) {
    auto v = visits.find({r.subject, r.hadm});
    if (v != visits.end()) append_unique(v->second.medications, r.atc3);
  }
  for (const auto& r : diagnoses.rows) {
    auto v = visits.find({r.subject, r.hadm});
    if (v != visits.end()) append_unique(v->second.diagnoses, r.code);
  }
  for (const auto& r : procedures.rows) {
    auto v = visits.find({r.subject, r.hadm});
    if (v != visits.end()) append_unique(v->second.procedures, r.code);
  }

  // Visits of each patient in order; patients by subject id.
  std::unordered_map<int64_t, int64_t> admit_time;
  if (options.visit_order == VisitOrder::kAdmitTime) admit_time = read_admission_times(files.admissions, report);
  std::map<int64_t, std::vector<std::pair<int64_t, int64_t>>> patient_visits;  // subject -> (order, hadm)
  for (const auto& [key, codes] : visits) {
    int64_t order = key.second;
    if (options.visit_order == VisitOrder::kAdmitTime) {
      auto t = admit_time.find(key.second);
      if (t == admit_time.end()) {
        report.count("combine.admissions_without_admit_time_dropped");
        report.example("combine.admissions_without_admit_time_dropped", std::to_string(key.second));
        continue;
      }
      order = t->second;
    }
    patient_visits[key.first].push_back({order, key.second});
  }

  Cohort cohort;
  size_t dropped_patients = 0, dropped_visits = 0;
  for (auto& [subject, list] : patient_visits) {
    if (list.size() < options.min_visits) {
      ++dropped_patients;
      dropped_visits += list.size();
      continue;
    }
    std::sort(list.begin(), list.end());
    Patient patient;
    patient.id = std::to_string(subject);
    for (const auto& [order, hadm] : list) {
      const VisitCodes& codes = visits.at({subject, hadm});
      Visit visit;
      for (uint32_t c : codes.diagnoses) visit.diagnoses.push_back(cohort.diagnoses.add(diagnoses.codes.str(c)));
      for (uint32_t c : codes.procedures) visit.procedures.push_back(cohort.procedures.add(procedures.codes.str(c)));
      for (uint32_t c : codes.medications) {
        visit.medications.push_back(cohort.medications.add(medications.classes.str(c)));
      }
      patient.visits.push_back(std::move(visit));
    }
    cohort.patients.push_back(std::move(patient));
  }
  report.set("cohort.patients_below_min_visits_dropped", dropped_patients);
  report.set("cohort.visits_of_those_patients_dropped", dropped_visits);
  if (cohort.patients.empty()) {
    throw std::runtime_error("prepare: no patient has " + std::to_string(options.min_visits) +
                             " or more visits with medications, diagnoses and procedures (see the counts in the "
                             "report above)");
  }
  cohort.resize_tables();

  attach_titles(read_icd_titles(files.diagnosis_titles, options.version, report, "diagnosis_titles"),
                cohort.diagnoses, cohort.diagnosis_titles, "titles.diagnosis_codes_without_title", report);
  attach_titles(read_icd_titles(files.procedure_titles, options.version, report, "procedure_titles"),
                cohort.procedures, cohort.procedure_titles, "titles.procedure_codes_without_title", report);

  for (size_t m = 0; m < cohort.medications.size(); ++m) {
    // Every class of the cohort went through the medication stage.
    const auto cls = static_cast<uint32_t>(medications.classes.find(cohort.medications.code(static_cast<int>(m))));
    if (auto s = medications.smiles.find(cls); s != medications.smiles.end()) cohort.medication_smiles[m] = s->second;
    if (auto n = medications.names.find(cls); n != medications.names.end()) cohort.medication_names[m] = n->second;
  }

  if (options.skip_ddi) {
    report.warn("--skip-ddi: no TWOSIDES table, so ddi.tsv is empty and every DDI rate will read 0");
  } else {
    const auto cid_to_atc = read_cid_to_atc(files.drug_atc, report);
    const auto pairs = read_twosides_pairs(files.ddi, options.ddi_selection, report);
    cohort.ddi = ddi_from_cid_pairs(pairs, cid_to_atc, cohort.medications, report);
  }

  report.set("cohort.patients", cohort.patients.size());
  report.set("cohort.visits", cohort.visit_count());
  report.set("cohort.diagnosis_codes", cohort.diagnoses.size());
  report.set("cohort.procedure_codes", cohort.procedures.size());
  report.set("cohort.medication_classes", cohort.medications.size());
  return cohort;
}

}  // namespace nlammr::prepare
