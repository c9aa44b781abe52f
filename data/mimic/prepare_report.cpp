#include "data/mimic/prepare_report.h"

namespace nlammr {

namespace {
constexpr size_t kExamplesPerKey = 5;
}

void PrepareReport::count(const std::string& key, size_t n) {
  if (!counts_.contains(key)) counts_[key] = 0;
  counts_[key] = counts_[key].get<size_t>() + n;
}

void PrepareReport::set(const std::string& key, size_t value) { counts_[key] = value; }

size_t PrepareReport::get(const std::string& key) const {
  return counts_.contains(key) ? counts_[key].get<size_t>() : 0;
}

void PrepareReport::example(const std::string& key, const std::string& text) {
  if (!examples_.contains(key)) examples_[key] = nlohmann::ordered_json::array();
  if (examples_[key].size() < kExamplesPerKey) examples_[key].push_back(text);
}

void PrepareReport::warn(const std::string& message) { warnings_.push_back(message); }

nlohmann::ordered_json PrepareReport::to_json() const {
  nlohmann::ordered_json j;
  j["counts"] = counts_;
  j["examples"] = examples_;
  j["warnings"] = warnings_;
  return j;
}

std::string PrepareReport::summary() const {
  std::string out;
  for (auto it = counts_.begin(); it != counts_.end(); ++it) {
    out += "  " + it.key() + ": " + std::to_string(it.value().get<size_t>());
    if (examples_.contains(it.key())) {
      out += "  (e.g.";
      for (const auto& e : examples_[it.key()]) out += " " + e.get<std::string>() + ";";
      out.back() = ')';
    }
    out += "\n";
  }
  for (const auto& w : warnings_) out += "  warning: " + w + "\n";
  return out;
}

}  // namespace nlammr
