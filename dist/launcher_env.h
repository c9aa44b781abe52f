// What the launcher tells a process about its place in the job, read from the
// environment before MPI starts: Open MPI's mpirun (OMPI_COMM_WORLD_RANK/SIZE),
// PMI and PMIx launchers such as srun --mpi=pmi2/pmix (PMI_RANK/PMI_SIZE,
// PMIX_RANK), and Slurm itself (SLURM_PROCID/SLURM_NTASKS).
#pragma once

#include <string>

namespace nlammr::dist {

struct LauncherEnv {
  bool launched = false;  // some launcher variable is set
  int rank = 0, size = 1;
  int local_rank = 0;     // place among the ranks on this node (picks a GPU)
  std::string source;     // the variables read, for messages
};

LauncherEnv read_launcher_env();

}  // namespace nlammr::dist
