// Helpers shared by the io tests: raw files and checks on the messages of
// expected exceptions (scratch folders: tests/test_support.h).
#pragma once

#include <string>
#include <vector>

#include "tests/test_support.h"

namespace nlammr::testing {

// Writes bytes to a file with plain stdio (tests must not depend on the code
// they test to create their inputs).
void write_bytes(const std::string& path, const std::string& bytes);

// A safetensors file from a header text and a data section, with the 8-byte
// little-endian length in front; the header is used verbatim.
std::string safetensors_bytes(const std::string& header, const std::string& data = "");

bool contains(const std::string& text, const std::string& part);

}  // namespace nlammr::testing
