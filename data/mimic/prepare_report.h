// What the MIMIC preparation did to the data: counts of rows read, dropped
// and why, codes without mappings or titles, with a few examples of each, and
// warnings. Saved as prepare_report.json beside the cohort and summarized on
// the terminal, so that nothing is dropped silently.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nlammr {

class PrepareReport {
 public:
  // Adds n to a counter; keys read "stage.what" ("prescriptions.rows_read").
  void count(const std::string& key, size_t n = 1);
  // Sets a counter outright.
  void set(const std::string& key, size_t value);
  size_t get(const std::string& key) const;
  // Keeps up to five examples per key (a code, or "file:line: problem").
  void example(const std::string& key, const std::string& text);
  void warn(const std::string& message);
  const std::vector<std::string>& warnings() const { return warnings_; }

  // {"counts": {...}, "examples": {...}, "warnings": [...]}, keys in the
  // order they were first counted.
  nlohmann::ordered_json to_json() const;
  // Human-readable lines for the terminal.
  std::string summary() const;

 private:
  nlohmann::ordered_json counts_ = nlohmann::ordered_json::object();
  nlohmann::ordered_json examples_ = nlohmann::ordered_json::object();
  std::vector<std::string> warnings_;
};

}  // namespace nlammr
