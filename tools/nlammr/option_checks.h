// Range checks for numeric command-line options, run by CLI11 before any
// command starts its work. NaN and infinities are refused too (CLI11's own
// Range lets NaN through, since every comparison with it is false).
#pragma once

#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string>

namespace nlammr::cli {

inline std::string limit_text(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

// Accepts a finite number in [low, high]; CLI11 puts the option's name in
// front of the message ("--threshold: value nan is not a finite number ...").
inline CLI::Validator within(double low, double high) {
  const std::string range = "[" + limit_text(low) + ", " + limit_text(high) + "]";
  return CLI::Validator(
      [low, high, range](std::string& text) -> std::string {
        char* end = nullptr;
        const double value = std::strtod(text.c_str(), &end);
        if (end == text.c_str() || *end != '\0') return "value '" + text + "' is not a number";
        if (!std::isfinite(value)) return "value " + text + " is not a finite number (allowed: " + range + ")";
        if (value < low || value > high) return "value " + text + " is outside the allowed range " + range;
        return "";
      },
      "in " + range);
}

}  // namespace nlammr::cli
