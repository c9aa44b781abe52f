// run.json (models/nlammr/run_info.cpp): the run's data folder, language
// model settings, model and training configurations. Every field is
// type- and range-checked; an error names run.json and the field, never a
// raw nlohmann::json message. An accepted run.json must write back to JSON
// that reads again to the same settings.
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "fuzz/fuzz_support.h"
#include "models/nlammr/run_info.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string dir = nlammr::fuzz::scratch_dir() + "/run";
  std::filesystem::create_directories(dir);
  nlammr::fuzz::write_scratch_file("run/run.json", data, size);
  try {
    const nlammr::RunInfo info = nlammr::read_run_info(dir);
    const nlohmann::json written = info.to_json();
    const nlammr::RunInfo again = nlammr::RunInfo::from_json(written, "run.json (written back)");
    if (again.to_json() != written) __builtin_trap();
  } catch (const std::runtime_error& e) {
    nlammr::fuzz::require_names_input(e, "run.json");
  }
  return 0;
}
