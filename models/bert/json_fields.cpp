#include "models/bert/json_fields.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "io/input_file.h"

namespace nlammr {

JsonFields JsonFields::from_file(const std::string& path) {
  return from_text(read_input_file(path), path);
}

JsonFields JsonFields::from_text(const std::string& text, const std::string& source) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for a number like 1e999
    throw std::runtime_error(source + ": malformed JSON: " + e.what());
  }
  if (!json.is_object()) throw std::runtime_error(source + ": expected a JSON object at the top level");
  return JsonFields(std::move(json), source);
}

bool JsonFields::has(const std::string& name) const {
  auto it = json_.find(name);
  return it != json_.end() && !it->is_null();
}

std::runtime_error JsonFields::field_error(const std::string& name, const std::string& problem) const {
  return std::runtime_error(source_ + ": field '" + name + "': " + problem);
}

std::string JsonFields::describe(const nlohmann::json& value) const {
  std::string text = value.dump();
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return text + " (" + value.type_name() + ")";
}

int64_t JsonFields::required_int(const std::string& name) const {
  if (!has(name)) throw field_error(name, "missing");
  return optional_int(name, 0);
}

int64_t JsonFields::optional_int(const std::string& name, int64_t fallback) const {
  if (!has(name)) return fallback;
  const nlohmann::json& value = json_.at(name);
  if (value.is_number_unsigned()) {
    if (value.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
      throw field_error(name, "integer too large");
    return static_cast<int64_t>(value.get<uint64_t>());
  }
  if (value.is_number_integer()) return value.get<int64_t>();
  throw field_error(name, "expected an integer, got " + describe(value));
}

double JsonFields::optional_number(const std::string& name, double fallback) const {
  if (!has(name)) return fallback;
  const nlohmann::json& value = json_.at(name);
  if (!value.is_number()) throw field_error(name, "expected a number, got " + describe(value));
  return value.get<double>();
}

bool JsonFields::optional_bool(const std::string& name, bool fallback) const {
  return optional_bool_or_null(name).value_or(fallback);
}

std::optional<bool> JsonFields::optional_bool_or_null(const std::string& name) const {
  if (!has(name)) return std::nullopt;
  const nlohmann::json& value = json_.at(name);
  if (!value.is_boolean()) throw field_error(name, "expected true, false or null, got " + describe(value));
  return value.get<bool>();
}

std::string JsonFields::optional_string(const std::string& name, const std::string& fallback) const {
  if (!has(name)) return fallback;
  const nlohmann::json& value = json_.at(name);
  if (!value.is_string()) throw field_error(name, "expected a string, got " + describe(value));
  return value.get<std::string>();
}

}  // namespace nlammr
