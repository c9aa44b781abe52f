#include "dist/launcher_env.h"

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace nlammr::dist {

namespace {

bool read_int(const char* name, int& out) {
  const char* v = std::getenv(name);
  if (!v || !*v) return false;
  char* end = nullptr;
  const long x = std::strtol(v, &end, 10);
  if (*end != '\0' || x < 0 || x > 1 << 24)
    throw std::runtime_error(std::string("environment variable ") + name + "='" + v + "' is not a rank or size");
  out = static_cast<int>(x);
  return true;
}

}  // namespace

LauncherEnv read_launcher_env() {
  LauncherEnv env;
  for (const char* name : {"OMPI_COMM_WORLD_LOCAL_RANK", "MPI_LOCALRANKID", "SLURM_LOCALID"})
    if (read_int(name, env.local_rank)) break;
  // The MPI library's own variables first; Slurm's describe the allocation,
  // which a plain `srun` without --mpi also sets.
  const char* pairs[][3] = {{"OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "Open MPI"},
                            {"PMI_RANK", "PMI_SIZE", "PMI"},
                            {"PMIX_RANK", "", "PMIx"},
                            {"SLURM_PROCID", "SLURM_NTASKS", "Slurm"}};
  for (const auto& p : pairs) {
    int rank = 0, size = 0;
    // A batch script itself also sees SLURM_PROCID; only a step started by
    // srun (which sets SLURM_STEP_ID) is a rank of a job.
    if (std::string(p[2]) == "Slurm" && !std::getenv("SLURM_STEP_ID")) continue;
    if (!read_int(p[0], rank)) continue;
    env.launched = true;
    env.rank = rank;
    env.size = (*p[1] && read_int(p[1], size)) ? size : 0;  // 0: ask MPI
    env.source = p[2];
    return env;
  }
  return env;
}

}  // namespace nlammr::dist
