# Every dependency comes from Debian packages installed by scripts/setup.sh.
# The engine and its benchmarks and tests need the first group only
# (NLAMMR_ENGINE_ONLY); pkg-config is optional there (libdw, for source lines
# in the CUDA simulator's reports).
find_package(Eigen3 3.3 REQUIRED NO_MODULE)
find_package(OpenMP REQUIRED COMPONENTS CXX)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(Threads REQUIRED)
if(NLAMMR_ENGINE_ONLY)
  find_package(PkgConfig)
else()
  find_package(ZLIB REQUIRED)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(UTF8PROC REQUIRED IMPORTED_TARGET libutf8proc)
  pkg_check_modules(OPENBABEL REQUIRED IMPORTED_TARGET openbabel-3)
  # TensorBoard event files: protobuf messages (libprotobuf-dev, protobuf-compiler)
  # framed with CRC-32C from Boost.CRC (header-only, libboost-dev).
  find_package(Protobuf REQUIRED)
  find_package(Boost REQUIRED)
endif()
if(NLAMMR_BUILD_TESTS)
  find_package(doctest REQUIRED)
  include(doctest)
endif()
