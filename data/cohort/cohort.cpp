#include "data/cohort/cohort.h"

#include <stdexcept>

namespace nlammr {

int Vocabulary::add(const std::string& code) {
  auto found = index_.find(code);
  if (found != index_.end()) return found->second;
  const int index = static_cast<int>(codes_.size());
  codes_.push_back(code);
  index_.emplace(code, index);
  return index;
}

int Vocabulary::find(const std::string& code) const {
  auto found = index_.find(code);
  return found == index_.end() ? -1 : found->second;
}

void DdiMatrix::add(int a, int b) {
  if (a < 0 || b < 0 || static_cast<size_t>(a) >= n_ || static_cast<size_t>(b) >= n_) {
    throw std::out_of_range("DdiMatrix::add: index outside the medication vocabulary");
  }
  cells_[static_cast<size_t>(a) * n_ + static_cast<size_t>(b)] = 1;
  cells_[static_cast<size_t>(b) * n_ + static_cast<size_t>(a)] = 1;
}

std::vector<std::pair<int, int>> DdiMatrix::pairs() const {
  std::vector<std::pair<int, int>> out;
  for (size_t a = 0; a < n_; ++a) {
    for (size_t b = a + 1; b < n_; ++b) {
      if (cells_[a * n_ + b]) out.emplace_back(static_cast<int>(a), static_cast<int>(b));
    }
  }
  return out;
}

size_t Cohort::visit_count() const {
  size_t n = 0;
  for (const auto& p : patients) n += p.visits.size();
  return n;
}

void Cohort::resize_tables() {
  diagnosis_titles.resize(diagnoses.size());
  procedure_titles.resize(procedures.size());
  medication_smiles.resize(medications.size());
  medication_names.resize(medications.size());
  if (ddi.size() != medications.size()) {
    // Growing keeps the existing pairs (indices are stable in a vocabulary).
    DdiMatrix grown(medications.size());
    for (auto [a, b] : ddi.pairs()) {
      if (static_cast<size_t>(b) < medications.size()) grown.add(a, b);
    }
    ddi = std::move(grown);
  }
}

CohortSplit reference_split(size_t n) {
  // Python's int(n * 2 / 3) truncates a true division; for integers the
  // fractional part is 0, 1/3 or 2/3, so integer division gives the same.
  const size_t n_train = n * 2 / 3;
  const size_t n_test = (n - n_train) / 2;
  CohortSplit split;
  for (size_t i = 0; i < n; ++i) {
    if (i < n_train) {
      split.train.push_back(i);
    } else if (i < n_train + n_test) {
      split.test.push_back(i);
    } else {
      split.validation.push_back(i);
    }
  }
  return split;
}

nlohmann::json cohort_stats(const Cohort& cohort) {
  const CohortSplit split = reference_split(cohort.patients.size());
  auto visits_of = [&](const std::vector<size_t>& patients) {
    size_t n = 0;
    for (size_t p : patients) n += cohort.patients[p].visits.size();
    return n;
  };
  size_t smiles = 0;
  for (const auto& s : cohort.medication_smiles) smiles += s.size();
  size_t with_symptoms = 0;
  for (const auto& p : cohort.patients) {
    for (const auto& v : p.visits) with_symptoms += v.symptoms.empty() ? 0 : 1;
  }
  nlohmann::json stats = nlohmann::json::object();
  stats["patients"] = cohort.patients.size();
  stats["visits"] = cohort.visit_count();
  stats["diagnosis_codes"] = cohort.diagnoses.size();
  stats["procedure_codes"] = cohort.procedures.size();
  stats["medication_classes"] = cohort.medications.size();
  stats["ddi_pairs"] = cohort.ddi.pairs().size();
  stats["smiles"] = smiles;
  stats["visits_with_symptoms"] = with_symptoms;
  stats["split_patients"] = {{"train", split.train.size()},
                             {"test", split.test.size()},
                             {"validation", split.validation.size()}};
  stats["split_visits"] = {{"train", visits_of(split.train)},
                           {"test", visits_of(split.test)},
                           {"validation", visits_of(split.validation)}};
  return stats;
}

}  // namespace nlammr
