#include "models/nlammr/evaluation/cohort_summary.h"

#include <cstdio>

#include "models/nlammr/evaluation/metrics.h"

namespace nlammr {

CohortSummary summarize_cohort(const Cohort& cohort, const std::vector<size_t>& split_patients) {
  CohortSummary s;
  s.cohort_patients = cohort.patients.size();
  s.cohort_visits = cohort.visit_count();
  s.medication_classes = cohort.medications.size();
  s.patients = split_patients.size();
  std::vector<std::vector<int>> recorded;
  size_t meds = 0;
  for (size_t p : split_patients) {
    for (const Visit& v : cohort.patients.at(p).visits) {
      recorded.push_back(v.medications);
      meds += v.medications.size();
    }
  }
  s.visits = recorded.size();
  s.meds_per_visit = s.visits ? static_cast<double>(meds) / static_cast<double>(s.visits) : 0.0;
  s.ground_truth_ddi = ddi_rate(recorded, cohort.ddi);
  return s;
}

nlohmann::json CohortSummary::to_json() const {
  return {{"patients", patients},
          {"visits", visits},
          {"medication_classes", medication_classes},
          {"meds_per_visit", meds_per_visit},
          {"ground_truth_ddi_rate", ground_truth_ddi},
          {"cohort_patients", cohort_patients},
          {"cohort_visits", cohort_visits}};
}

std::string CohortSummary::describe() const {
  char line[256];
  std::snprintf(line, sizeof line,
                "cohort: %zu patients, %zu visits, %zu medication classes; this split: %zu patients, %zu visits, "
                "%.2f medications per visit, ground-truth DDI rate %.4f",
                cohort_patients, cohort_visits, medication_classes, patients, visits, meds_per_visit,
                ground_truth_ddi);
  return line;
}

}  // namespace nlammr
