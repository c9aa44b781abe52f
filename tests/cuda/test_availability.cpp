// Whether CUDA is usable, and what happens when it is not: the tests run on
// every machine, and on one without a GPU (or without a driver) they check
// that asking for the GPU fails with the reason while the CPU keeps working.
#include <doctest/doctest.h>

#include <fstream>
#include <stdexcept>
#include <string>

#include "engine/engine.h"
#include "tests/test_support.h"
#ifdef NLAMMR_WITH_CUDA
#include "kernels/cuda/cuda_backend.h"
#endif

using namespace nlammr;

TEST_CASE("CUDA availability is reported consistently") {
  const bool available = cuda_available();
  const std::string reason = cuda_unavailable_reason();
  CHECK(available == reason.empty());
  MESSAGE((available ? std::string("CUDA is usable") : "CUDA is not usable: " + reason));
#ifdef NLAMMR_WITH_CUDA
  if (available) {
    CHECK(cuda::device_count() >= 1);
    const std::string device = cuda::device_description(0);
    MESSAGE("device 0: " << device);
    CHECK(device.find("sm_") != std::string::npos);
  } else {
    CHECK(reason.find("CUDA") != std::string::npos);
  }
#else
  CHECK_FALSE(available);
  CHECK(reason.find("no CUDA backend") != std::string::npos);
#endif
}

TEST_CASE("without a usable GPU, asking for one fails with the reason and the CPU keeps working") {
  if (cuda_available()) NLAMMR_SKIP("a GPU is usable here; this case is about machines without one");
#ifdef NLAMMR_WITH_CUDA
  const std::string expected = cuda_unavailable_reason();
  CHECK_THROWS_AS(cuda::memory_stats(0), std::runtime_error);
#else
  const std::string expected = "no CUDA backend";
#endif
  CHECK_THROWS_WITH_AS(Tensor::zeros({2, 3}, DType::Float32, Device::cuda()),
                       doctest::Contains(expected.c_str()), std::runtime_error);
  Tensor x = Tensor::ones({2, 3});
  CHECK_THROWS_WITH_AS(x.to(Device::cuda()), doctest::Contains(expected.c_str()), std::runtime_error);
  CHECK(sum(x).item<float>() == 6.0f);
}

#ifdef NLAMMR_WITH_CUDA
TEST_CASE("a CUDA build does not load cuBLAS before a CUDA device is used") {
  // cuBLAS is opened when the first CUDA backend is created, so the program
  // starts (and runs on the CPU) where the CUDA libraries are missing.
  if (cuda_available()) NLAMMR_SKIP("a GPU is usable here: its backend may have loaded cuBLAS already");
  std::ifstream maps("/proc/self/maps");
  REQUIRE(maps.good());
  std::string line;
  bool cublas = false;
  while (std::getline(maps, line)) cublas = cublas || line.find("libcublas") != std::string::npos;
  CHECK_FALSE(cublas);
}
#endif
