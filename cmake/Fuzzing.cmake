# NLAMMR_FUZZ: build the libFuzzer targets of fuzz/, one per input format.
#
# libFuzzer ships with clang only. The fuzz targets live in the sanitized
# build: NLAMMR_FUZZ needs NLAMMR_SANITIZE to hold "address" (a memory error
# must be a finding, not a silent overwrite) and adds coverage
# instrumentation (-fsanitize=fuzzer-no-link) to every library the targets
# link; only the fuzz executables link libFuzzer itself (-fsanitize=fuzzer).
# So one extra build serves both the sanitized test suite and the fuzzers:
#
#   CC=clang CXX=clang++ cmake -S . -B build-sanitize -DNLAMMR_CUDA=OFF \
#     -DNLAMMR_SANITIZE=address,undefined -DNLAMMR_FUZZ=ON
#
# (the test executables carry the coverage counters too; they cost little).
option(NLAMMR_FUZZ "Build the libFuzzer targets in fuzz/ (needs clang and NLAMMR_SANITIZE=address,...)" OFF)

if(NLAMMR_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "NLAMMR_FUZZ needs clang (libFuzzer): configure with CC=clang CXX=clang++")
  endif()
  if(NOT NLAMMR_SANITIZE MATCHES "address")
    message(FATAL_ERROR "NLAMMR_FUZZ needs NLAMMR_SANITIZE to include address (e.g. address,undefined)")
  endif()
  add_compile_options("$<$<COMPILE_LANGUAGE:CXX>:-fsanitize=fuzzer-no-link>")
  message(STATUS "nlammr: libFuzzer targets ON")
endif()
