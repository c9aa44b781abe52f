// The MPI communicator (built when the build has MPI; see cmake/MpiOption.cmake).
#pragma once

#include <memory>

#include "dist/communicator.h"

namespace nlammr::dist {

// Whether this build has MPI.
bool mpi_available();
// Initialises MPI (once per process; finalised at exit) and returns
// MPI_COMM_WORLD. Throws when the build has no MPI.
std::unique_ptr<Communicator> make_mpi_communicator();

}  // namespace nlammr::dist
