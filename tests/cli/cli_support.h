// Running the nlammr program from a test and capturing what it prints.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <string>

#include "io/atomic_file.h"
#include "tests/test_support.h"

namespace nlammr::testing {

struct CliRun {
  int status;
  std::string output;  // stdout and stderr together
};

// Runs `nlammr <args>` from the build folder; OpenMP waits passively so
// programs started side by side by ctest do not spin against each other.
inline CliRun run_nlammr(const std::string& args, const ScratchDir& tmp) {
  const std::string log = tmp.path() + "/log.txt";
  const std::string cmd = "OMP_WAIT_POLICY=passive " + std::string(NLAMMR_BINARY_DIR) + "/nlammr " + args + " > " +
                          log + " 2>&1";
  const int raw = std::system(cmd.c_str());
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, read_file(log)};
}

}  // namespace nlammr::testing
