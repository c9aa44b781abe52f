#include <cstdio>

#include "tools/nlammr/commands.h"

namespace nlammr::cli {

void add_version_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("version", "Print the version and the build's backends");
  cmd->callback([] {
#ifdef NLAMMR_WITH_CUDA
    const char* cuda = "yes";
#else
    const char* cuda = "no";
#endif
    std::printf("nlammr 0.1.0 (CUDA backend compiled: %s)\n", cuda);
  });
}

}  // namespace nlammr::cli
