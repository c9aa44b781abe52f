#include "models/nlammr/inputs/text_bank.h"

#include <stdexcept>
#include <unordered_map>

#include "engine/autograd.h"
#include "engine/ops.h"
#include "models/nlammr/inputs/visit_texts.h"

namespace nlammr {

Tensor mean_rows(const Tensor& table, const std::vector<int>& items) {
  if (items.empty()) return Tensor::zeros({table.size(1)}, table.dtype());
  std::vector<int64_t> idx(items.begin(), items.end());
  return mean(index_select(table, Tensor::from_vector(idx, {static_cast<int64_t>(idx.size())})), {0});
}

CodesModeVisit codes_mode_visit(const Tensor& sym_vec, const std::vector<int>& sym_items, const Tensor& dx_vec,
                                const std::vector<int>& dx_items, const Tensor& px_vec, const std::vector<int>& px_items) {
  const int64_t d = dx_vec.size(1);
  Tensor sym = mean_rows(sym_vec, sym_items), dia = mean_rows(dx_vec, dx_items), pro = mean_rows(px_vec, px_items);
  CodesModeVisit out;
  out.parts = concat({sym.reshape({1, 1, d}), dia.reshape({1, 1, d}), pro.reshape({1, 1, d})}, 1);
  // The whole visit: the mean over all of its items.
  const double n = static_cast<double>(sym_items.size() + dx_items.size() + px_items.size());
  out.full = (sym * static_cast<double>(sym_items.size()) + dia * static_cast<double>(dx_items.size()) +
              pro * static_cast<double>(px_items.size())) *
             (n > 0 ? 1.0 / n : 0.0);
  return out;
}

namespace {

Tensor stack_rows(const std::vector<Tensor>& rows, int64_t d) {
  if (rows.empty()) return Tensor::zeros({0, d});
  std::vector<Tensor> expanded;
  for (const Tensor& r : rows) expanded.push_back(r.reshape({1, d}));
  return concat(expanded, 0);
}

void check_encoded(const Tensor& t, size_t n, const char* what) {
  if (t.dim() != 2 || t.size(0) != static_cast<int64_t>(n) || t.dtype() != DType::Float32)
    throw std::runtime_error(std::string("text encoder returned ") + t.str() + " for " + std::to_string(n) + " " +
                             what + " texts (expected [n, d] float32)");
}

}  // namespace

TextBank build_text_bank(const Cohort& cohort, const EncodeTextsFn& encode, const std::string& mode) {
  NoGradGuard no_grad;
  TextBank bank;
  std::vector<std::string> class_texts = medication_class_texts(cohort);
  bank.classes = encode(class_texts);
  check_encoded(bank.classes, class_texts.size(), "medication class");
  const int64_t d = bank.classes.size(1);

  if (mode == "concat") {
    // Five texts per visit, encoded in one call so the encoder can batch
    // them by length and skip duplicates through its cache.
    std::vector<std::string> texts;
    for (const Patient& p : cohort.patients)
      for (const Visit& v : p.visits) {
        VisitTexts t = make_visit_texts(cohort, v);
        for (std::string* s : {&t.symptoms, &t.diagnoses, &t.procedures, &t.medications, &t.full})
          texts.push_back(std::move(*s));
      }
    Tensor all = encode(texts);
    check_encoded(all, texts.size(), "visit");
    const int64_t visits = static_cast<int64_t>(texts.size() / 5);
    Tensor per_visit = all.reshape({visits, 5, d});
    bank.parts = per_visit.slice(1, 0, 3).contiguous();
    bank.medications = per_visit.slice(1, 3, 4).reshape({visits, d}).contiguous();
    bank.full = per_visit.slice(1, 4, 5).reshape({visits, d}).contiguous();
    return bank;
  }
  if (mode != "codes") throw std::runtime_error("unknown visit text mode '" + mode + "' (concat or codes)");

  // Every title and symptom phrase once; a visit's vector for a part is the
  // mean of its items' vectors (zeros for a part with no items).
  std::vector<std::string> dx, px, symptoms;
  std::unordered_map<std::string, int> symptom_index;
  for (size_t i = 0; i < cohort.diagnoses.size(); ++i) dx.push_back(diagnosis_text(cohort, static_cast<int>(i)));
  for (size_t i = 0; i < cohort.procedures.size(); ++i) px.push_back(procedure_text(cohort, static_cast<int>(i)));
  for (const Patient& p : cohort.patients)
    for (const Visit& v : p.visits)
      for (const std::string& s : v.symptoms)
        if (symptom_index.emplace(s, static_cast<int>(symptoms.size())).second) symptoms.push_back(s);
  std::vector<std::string> all = dx;
  all.insert(all.end(), px.begin(), px.end());
  all.insert(all.end(), symptoms.begin(), symptoms.end());
  Tensor vectors = encode(all);
  check_encoded(vectors, all.size(), "code and symptom");
  const int64_t n_dx = static_cast<int64_t>(dx.size()), n_px = static_cast<int64_t>(px.size());
  Tensor dx_vec = vectors.slice(0, 0, n_dx).contiguous();
  Tensor px_vec = vectors.slice(0, n_dx, n_dx + n_px).contiguous();
  Tensor sym_vec = vectors.slice(0, n_dx + n_px, vectors.size(0)).contiguous();

  std::vector<Tensor> full_rows, part_rows, med_rows;
  for (const Patient& p : cohort.patients)
    for (const Visit& v : p.visits) {
      std::vector<int> sym_items;
      for (const std::string& s : v.symptoms) sym_items.push_back(symptom_index.at(s));
      CodesModeVisit one = codes_mode_visit(sym_vec, sym_items, dx_vec, v.diagnoses, px_vec, v.procedures);
      part_rows.push_back(one.parts);
      full_rows.push_back(one.full);
      med_rows.push_back(mean_rows(bank.classes, v.medications));
    }
  bank.full = stack_rows(full_rows, d);
  bank.parts = part_rows.empty() ? Tensor::zeros({0, 3, d}) : concat(part_rows, 0);
  bank.medications = stack_rows(med_rows, d);
  return bank;
}

VisitInputs gather_visits(const TextBank& bank, const std::vector<int64_t>& ids, const HistorySlots& history) {
  const Tensor rows = Tensor::from_vector(ids, {static_cast<int64_t>(ids.size())}, bank.full.device());
  VisitInputs in;
  in.full = index_select(bank.full, rows);
  in.parts = index_select(bank.parts, rows);
  in.history = history.gather(bank.medications);
  in.history_mask = history.mask_tensor(bank.full.device());
  return in;
}

}  // namespace nlammr
