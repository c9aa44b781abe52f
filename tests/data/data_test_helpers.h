// Small helpers for the data tests: files and error messages (scratch
// folders: tests/test_support.h).
#pragma once

#include <fstream>
#include <string>

#include <doctest/doctest.h>

#include "tests/test_support.h"

namespace nlammr::testing {

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  REQUIRE(out.good());
  out << text;
}

// The message of the std::runtime_error `expression` throws ("" if none).
#define NLAMMR_ERROR_OF(expression)          \
  [&]() -> std::string {                     \
    try {                                    \
      expression;                            \
    } catch (const std::runtime_error& e) {  \
      return e.what();                       \
    }                                        \
    return "";                               \
  }()

}  // namespace nlammr::testing
