// nlammr report: everything about one trained run on one offline HTML page.
// Gathering (run_report.cpp) reads the run folder and evaluates the model
// with the eval command's code; rendering (report_page.cpp) draws the page.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/tensorboard_events.h"
#include "models/nlammr/evaluation/prediction_analysis.h"
#include "models/nlammr/inference/recommender.h"
#include "tools/nlammr/evaluate_run.h"

namespace nlammr::cli {

struct ReportRequest {
  std::string run_dir, out;  // out "": RUN/report.html
  std::string patient;       // test patient to explain ("": the first with two visits or more)
  BootstrapOptions bootstrap;
  EncoderArgs encoder;
  size_t top_pairs = 10;
};

struct ReportData {
  std::string run_dir;
  nlohmann::json run_json;            // as recorded
  std::vector<nlohmann::json> epochs;  // metrics.jsonl lines
  std::vector<ScalarEvent> step_scalars;  // TensorBoard files (empty for runs from before them)
  int64_t selected_epoch = 0;          // of best.safetensors
  // Test split.
  RunEvaluation evaluation;
  BootstrapOptions bootstrap;
  double truth_ddi_rate = 0;
  std::vector<ClassQuality> classes;
  std::vector<size_t> train_class_counts;
  std::vector<std::string> class_codes, class_names;
  std::vector<ReliabilityBin> reliability;
  std::vector<InteractingPair> pairs;
  // Cohort.
  nlohmann::ordered_json cohort_stats;  // in the order the page lists them
  // One test patient, explained.
  std::string patient_id;
  size_t patient_visits = 0;
  std::vector<std::string> patient_truth;
  Recommendation recommendation;
};

ReportData gather_report(const ReportRequest& request);
std::string render_report(const ReportData& data);

// Gathers, renders, writes; returns the written file's path.
std::string write_report(const ReportRequest& request);

}  // namespace nlammr::cli
