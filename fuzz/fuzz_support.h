// What every fuzz target shares: the input as a file, and the one oracle that
// holds for every format.
//
// nlammr's contract for bad input is a std::runtime_error whose message names
// the file (docs/reliability.md). A fuzz target therefore lets nothing but
// std::runtime_error through its catch, and checks the message names the
// input: any other exception (a raw nlohmann::json or std::out_of_range
// message, std::bad_alloc) reaches libFuzzer as an uncaught exception and is
// reported as a crash, like a sanitizer error, a hang or a leak.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace nlammr::fuzz {

// A fresh directory for this process (removed at exit), where targets write
// their input as the files the readers expect.
const std::string& scratch_dir();

// Writes bytes to scratch_dir()/name and returns the path.
std::string write_scratch_file(const std::string& name, const uint8_t* data, size_t size);
std::string write_scratch_file(const std::string& name, const std::string& bytes);

// Splits the input at lines that are exactly "%%" into at most `max_parts`
// parts (the last part keeps any further separators). Lets one fuzz input
// describe several files (a cohort directory).
std::vector<std::string> split_sections(const uint8_t* data, size_t size, size_t max_parts);

// Aborts (a finding) unless the error message mentions `name` (a file name or
// a source label): an error that does not say which file is bad is a bug.
void require_names_input(const std::exception& error, const std::string& name);

}  // namespace nlammr::fuzz
