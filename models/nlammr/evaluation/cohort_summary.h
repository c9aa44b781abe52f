// What a cohort split holds, printed beside a model's metrics so that a
// demo-sized cohort is told from the real one at a glance, with the DDI rate
// of the recorded medications (the level a model's DDI rate is read against).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/cohort/cohort.h"

namespace nlammr {

struct CohortSummary {
  size_t patients = 0;          // of the split
  size_t visits = 0;            // of the split
  size_t medication_classes = 0;  // of the cohort
  double meds_per_visit = 0;    // recorded medications per visit in the split
  double ground_truth_ddi = 0;  // DDI rate of the recorded sets of the split
  size_t cohort_patients = 0, cohort_visits = 0;

  nlohmann::json to_json() const;
  std::string describe() const;  // one line
};

CohortSummary summarize_cohort(const Cohort& cohort, const std::vector<size_t>& split_patients);

}  // namespace nlammr
