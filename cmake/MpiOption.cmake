# MPI is optional. With NLAMMR_MPI=AUTO (the default) the build uses MPI when
# CMake finds it (Debian: libopenmpi-dev, installed by scripts/setup.sh);
# ON insists, OFF leaves it out. Without MPI the program runs as one process
# and refuses to start when a launcher (mpirun, srun) asks for several.
set(NLAMMR_MPI "AUTO" CACHE STRING "Data-parallel training over MPI: AUTO (when MPI is found), ON, OFF")
set_property(CACHE NLAMMR_MPI PROPERTY STRINGS AUTO ON OFF)
set(NLAMMR_WITH_MPI OFF)
if(NLAMMR_ENGINE_ONLY)
  message(STATUS "nlammr: MPI OFF (NLAMMR_ENGINE_ONLY builds no data-parallel training)")
elseif(NOT NLAMMR_MPI STREQUAL "OFF")
  # The C API, found through the C++ compiler (the project enables no C).
  find_package(MPI COMPONENTS CXX QUIET)
  if(MPI_CXX_FOUND)
    set(NLAMMR_WITH_MPI ON)
    message(STATUS "nlammr: MPI ON (${MPI_CXX_LIBRARIES})")
  elseif(NLAMMR_MPI STREQUAL "ON")
    message(FATAL_ERROR "NLAMMR_MPI=ON but no MPI was found (Debian: apt-get install libopenmpi-dev openmpi-bin)")
  else()
    message(STATUS "nlammr: MPI OFF (no MPI found)")
  endif()
else()
  message(STATUS "nlammr: MPI OFF (NLAMMR_MPI=OFF)")
endif()
