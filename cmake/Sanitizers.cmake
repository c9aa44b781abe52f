# NLAMMR_SANITIZE: a comma-separated list of sanitizers for the whole build
# (every library, the program, the tests), e.g. "address,undefined".
#
#   cmake -S . -B build-sanitize -DNLAMMR_SANITIZE=address,undefined -DNLAMMR_CUDA=OFF
#
# -fno-sanitize-recover=all: a sanitizer report ends the process with a
# non-zero status, so undefined behaviour fails the test that triggered it
# instead of printing a line that a passing test would hide.
# -fno-omit-frame-pointer and line tables: readable stack traces at the cost
# of little build time (no full debug information).
set(NLAMMR_SANITIZE "" CACHE STRING "Sanitizers for the whole build, e.g. address,undefined (empty: none)")

if(NLAMMR_SANITIZE)
  if(NLAMMR_WITH_CUDA)
    message(FATAL_ERROR "NLAMMR_SANITIZE needs NLAMMR_CUDA=OFF (nvcc does not compile sanitized host code)")
  endif()
  set(_nlammr_sanitize_flags -fsanitize=${NLAMMR_SANITIZE} -fno-sanitize-recover=all -fno-omit-frame-pointer)
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    list(APPEND _nlammr_sanitize_flags -gline-tables-only)
  else()
    list(APPEND _nlammr_sanitize_flags -g1)
  endif()
  add_compile_options("$<$<COMPILE_LANGUAGE:CXX>:${_nlammr_sanitize_flags}>")
  add_link_options(-fsanitize=${NLAMMR_SANITIZE} -fno-sanitize-recover=all)
  message(STATUS "nlammr: sanitizers ${NLAMMR_SANITIZE}")
endif()
