// Typed access to the fields of a JSON configuration file, with errors that
// name the file and the field (config.json: field 'hidden_size': ...).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace nlammr {

class JsonFields {
 public:
  // Reads and parses `path`; throws naming the file when it cannot be read,
  // is not JSON, or is not a JSON object.
  static JsonFields from_file(const std::string& path);
  // Parses `text`; `source` names it in error messages.
  static JsonFields from_text(const std::string& text, const std::string& source);

  const std::string& source() const { return source_; }
  bool has(const std::string& name) const;  // present and not null
  const nlohmann::json& raw() const { return json_; }

  int64_t required_int(const std::string& name) const;
  int64_t optional_int(const std::string& name, int64_t fallback) const;
  double optional_number(const std::string& name, double fallback) const;
  bool optional_bool(const std::string& name, bool fallback) const;
  std::optional<bool> optional_bool_or_null(const std::string& name) const;
  std::string optional_string(const std::string& name, const std::string& fallback) const;

  // An error message "<source>: field '<name>': <problem>".
  std::runtime_error field_error(const std::string& name, const std::string& problem) const;

 private:
  JsonFields(nlohmann::json json, std::string source) : json_(std::move(json)), source_(std::move(source)) {}
  std::string describe(const nlohmann::json& value) const;

  nlohmann::json json_;
  std::string source_;
};

}  // namespace nlammr
