# CUDA is optional. check_language() probes for nvcc without failing, so a
# machine without the toolkit still configures; enable_language() only runs
# when a compiler was found (or when the user insists with NLAMMR_CUDA=ON).
#
# We link the CUDA runtime (cudart) and libraries (cuBLAS) only, never the
# driver API (libcuda): a binary linked against libcuda refuses to start on a
# machine without an NVIDIA driver, and ours must run its CPU path anywhere.
set(NLAMMR_WITH_CUDA OFF)
if(NOT NLAMMR_CUDA STREQUAL "OFF")
  include(CheckLanguage)
  if(NOT DEFINED CMAKE_CUDA_COMPILER AND EXISTS /usr/local/cuda/bin/nvcc AND NOT DEFINED ENV{CUDACXX})
    set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
  endif()
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
      set(CMAKE_CUDA_ARCHITECTURES 80 90)
    endif()
    enable_language(CUDA)
    find_package(CUDAToolkit REQUIRED)
    set(CMAKE_CUDA_STANDARD 17)
    set(CMAKE_CUDA_STANDARD_REQUIRED ON)
    set(NLAMMR_WITH_CUDA ON)
    message(STATUS "nlammr: CUDA backend ON (${CMAKE_CUDA_COMPILER}, archs ${CMAKE_CUDA_ARCHITECTURES})")
  elseif(NLAMMR_CUDA STREQUAL "ON")
    message(FATAL_ERROR "NLAMMR_CUDA=ON but no CUDA compiler was found (set CUDACXX or put nvcc on PATH)")
  else()
    message(STATUS "nlammr: CUDA backend OFF (no nvcc found)")
  endif()
else()
  message(STATUS "nlammr: CUDA backend OFF (NLAMMR_CUDA=OFF)")
endif()
