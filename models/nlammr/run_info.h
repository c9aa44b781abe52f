// What a run directory records about how it was made (run.json), and how
// evaluation and recommendation rebuild the same inputs from it: the cohort
// directory, and the language model with the exact pooling options, checked
// against a content hash so a changed checkpoint is caught, not silently used.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "models/bert/text_encoder.h"
#include "models/nlammr/model/config.h"

namespace nlammr {

struct PlmSettings {
  std::string model_dir;  // absolute
  std::string pooling;    // "mean", "cls", "pooler"
  bool normalize = false;
  int64_t max_length = 0;
  std::string identity;  // bert_checkpoint_identity(model_dir)
  // How the texts were encoded: a resume must read the same cached vectors
  // (a vector computed in another batch can differ in its last bits).
  bool cache_recorded = false;  // false in run.json files written before these fields
  std::string cache_dir;        // absolute; "" when the run used no cache
  int64_t encode_batch = 32;

  nlohmann::json to_json() const;
  static PlmSettings from_json(const nlohmann::json& j);
  static PlmSettings of(const TextEncoder& encoder);
};

struct RunInfo {
  std::string data_dir;  // absolute
  PlmSettings plm;
  NlammrConfig model;
  TrainConfig train;
  std::string device = "cpu";
  bool lenient = false;  // cohort read leniently
  // What produced the run, for the report ("" when not recorded: runs made
  // before these fields, or by code that is not the CLI).
  std::string command, commit, working_dir;

  nlohmann::json to_json() const;
  static RunInfo from_json(const nlohmann::json& j, const std::string& source);
};

// Reads <run_dir>/run.json; errors name the file.
RunInfo read_run_info(const std::string& run_dir);
// Writes <run_dir>/run.json atomically.
void write_run_info(const std::string& run_dir, const RunInfo& info);

// The first key whose value differs between two JSON objects ("" if none),
// for messages about a run.json edited apart from its checkpoint.
std::string first_differing_key(const nlohmann::json& a, const nlohmann::json& b);

// A TextEncoder with the run's settings (its recorded cache and batch size;
// `cache_dir` only for a run.json that records none); throws when the
// checkpoint files no longer hash to the recorded identity.
std::unique_ptr<TextEncoder> open_run_encoder(const PlmSettings& plm, const std::string& cache_dir);

}  // namespace nlammr
