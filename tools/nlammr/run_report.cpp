#include "tools/nlammr/run_report.h"

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "data/cohort/atc3_names.h"
#include "engine/autograd.h"
#include "io/atomic_file.h"
#include "io/checkpoint.h"
#include "io/input_file.h"

namespace nlammr::cli {

namespace fs = std::filesystem;

namespace {

std::vector<nlohmann::json> read_metrics(const std::string& path) {
  if (!fs::exists(path)) throw std::runtime_error(path + ": missing (the run has not finished an epoch)");
  std::istringstream in(read_input_file(path));
  std::vector<nlohmann::json> lines;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
      // The fields the charts read; anything else missing is a malformed line.
      (void)j.at("epoch").get<int64_t>();
      for (const char* key : {"loss", "bce", "margin", "contrastive", "ddi"}) (void)j.at("train").at(key).get<double>();
      for (const char* key : {"jaccard", "f1", "prauc", "ddi_rate", "avg_meds"})
        (void)j.at("validation").at(key).get<double>();
    } catch (const nlohmann::json::exception& e) {
      throw std::runtime_error(path + ":" + std::to_string(number) + ": not a metrics line of nlammr train (" +
                               e.what() + ")");
    }
    lines.push_back(std::move(j));
  }
  if (lines.empty()) throw std::runtime_error(path + ": no epochs recorded");
  return lines;
}

nlohmann::ordered_json cohort_statistics(const NlammrData& data) {
  const Cohort& c = data.cohort;
  size_t visits = 0, meds = 0, diagnoses = 0, procedures = 0, multi = 0;
  for (const Patient& p : c.patients) {
    visits += p.visits.size();
    multi += p.visits.size() >= 2;
    for (const Visit& v : p.visits) meds += v.medications.size(), diagnoses += v.diagnoses.size(), procedures += v.procedures.size();
  }
  auto per_visit = [&](size_t n) { return visits ? static_cast<double>(n) / static_cast<double>(visits) : 0.0; };
  return {{"patients", c.patients.size()},
          {"visits", visits},
          {"patients with two visits or more", multi},
          {"visits per patient", c.patients.empty() ? 0.0 : static_cast<double>(visits) / c.patients.size()},
          {"diagnosis codes", c.diagnoses.size()},
          {"procedure codes", c.procedures.size()},
          {"medication classes", c.medications.size()},
          {"diagnoses per visit", per_visit(diagnoses)},
          {"procedures per visit", per_visit(procedures)},
          {"medications per visit", per_visit(meds)},
          {"known interacting pairs", c.ddi.pairs().size()},
          {"train / validation / test patients",
           std::to_string(data.split.train.size()) + " / " + std::to_string(data.split.validation.size()) + " / " +
               std::to_string(data.split.test.size())}};
}

}  // namespace

ReportData gather_report(const ReportRequest& req) {
  if (!fs::is_directory(req.run_dir))
    throw std::runtime_error(req.run_dir + ": not a run folder (no such directory)");
  ReportData d;
  d.run_dir = req.run_dir;
  d.bootstrap = req.bootstrap;
  const std::string run_json_path = (fs::path(req.run_dir) / "run.json").string();
  (void)read_run_info(req.run_dir);  // checks run.json, naming it
  d.run_json = nlohmann::json::parse(read_input_file(run_json_path));
  d.epochs = read_metrics((fs::path(req.run_dir) / "metrics.jsonl").string());
  for (const std::string& file : tensorboard_event_files((fs::path(req.run_dir) / "tensorboard").string())) {
    std::vector<ScalarEvent> events = read_scalar_events(file, true);
    d.step_scalars.insert(d.step_scalars.end(), events.begin(), events.end());
  }

  LoadedRun run = load_run(req.run_dir, "best", req.encoder);
  d.selected_epoch = run.checkpoint_meta.value("epoch", int64_t{0});
  const NlammrData& data = run.data();
  const Cohort& cohort = data.cohort;
  EvalRequest eval;
  eval.run_dir = req.run_dir;
  eval.bootstrap = req.bootstrap;
  d.evaluation = evaluate_loaded_run(run, eval);
  const std::vector<PatientPredictions>& predictions = d.evaluation.model_predictions;
  const double threshold = d.evaluation.evaluation.threshold;
  d.truth_ddi_rate = ground_truth_ddi_rate(predictions, cohort.ddi);
  d.classes = per_class_quality(predictions, cohort.medications.size(), threshold);
  d.train_class_counts = class_counts(cohort, data.split.train);
  for (size_t m = 0; m < cohort.medications.size(); ++m) {
    d.class_codes.push_back(cohort.medications.code(static_cast<int>(m)));
    const std::string* name = atc3_name(d.class_codes.back());
    d.class_names.push_back(name ? *name : "");
  }
  d.reliability = reliability_bins(predictions, 10);
  d.pairs = recommended_interactions(predictions, cohort.ddi, threshold);
  if (d.pairs.size() > req.top_pairs) d.pairs.resize(req.top_pairs);
  d.cohort_stats = cohort_statistics(data);

  // The patient to explain: the one asked for (a test patient), or the first
  // test patient with history.
  const Patient* chosen = nullptr;
  for (size_t p : data.split.test) {
    const Patient& patient = cohort.patients[p];
    if (req.patient.empty() ? patient.visits.size() >= 2 : patient.id == req.patient) {
      chosen = &patient;
      break;
    }
  }
  if (!chosen && !req.patient.empty())
    throw std::runtime_error("--patient " + req.patient + ": no test patient of " + run.info().data_dir +
                             " has this id");
  if (!chosen && !data.split.test.empty()) chosen = &cohort.patients[data.split.test.front()];
  if (chosen) {
    Tensor class_text;
    {
      NoGradGuard no_grad;
      class_text = data.text->classes();
    }
    d.patient_id = chosen->id;
    d.patient_visits = chosen->visits.size();
    const PatientQuery query = query_of_patient(cohort, *chosen);
    d.patient_truth = query.visits.back().medications;
    d.recommendation = recommend(*run.model, cohort, data.molecules, class_text, run.encode, query, threshold, true);
  }
  return d;
}

std::string write_report(const ReportRequest& req) {
  const std::string out = req.out.empty() ? (fs::path(req.run_dir) / "report.html").string() : req.out;
  const std::string page = render_report(gather_report(req));
  write_file_atomic(out, page);
  return out;
}

}  // namespace nlammr::cli
