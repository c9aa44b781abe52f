#include <cstdio>
#include <string>

#include "engine/backend.h"
#include "tools/nlammr/commands.h"
#ifdef NLAMMR_WITH_CUDA
#include "kernels/cuda/cuda_backend.h"
#endif

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
    if (cuda_available()) {
#ifdef NLAMMR_WITH_CUDA
      std::printf("CUDA device: %s\n", nlammr::cuda::device_description(0).c_str());
#endif
    } else {
      std::printf("CUDA device: none usable (%s)\n", cuda_unavailable_reason().c_str());
    }
  });
}

}  // namespace nlammr::cli
