// Helpers for the CUDA tests: every kernel runs on the CPU backend (the
// reference) and on the CUDA backend with the same inputs, and the results
// are compared within a tolerance stated per dtype, or bit for bit where the
// two backends add the same terms in the same order.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "engine/engine.h"
#include "tests/cases/kernel_cases.h"
#include "tests/test_support.h"

namespace nlammr::testing {

// The device these tests run on: a GPU ("cuda"), or the CUDA simulator when
// NLAMMR_TEST_DEVICE=cuda-sim (how CTest runs them a second time, label
// cuda-sim): the same kernels, executed and checked on the CPU.
inline Device gpu_device() {
  static const Device device = [] {
    const char* v = std::getenv("NLAMMR_TEST_DEVICE");
    return v && std::string(v) == "cuda-sim" ? Device::simulated_cuda() : Device::cuda();
  }();
  return device;
}
inline bool on_simulator() { return gpu_device().is_simulated_cuda(); }

}  // namespace nlammr::testing

// Every GPU test starts with this: on a machine without a usable GPU (or a
// build without the simulator) the test passes as skipped, printing why.
#define NLAMMR_REQUIRE_CUDA()                                                                      \
  do {                                                                                             \
    if (::nlammr::testing::on_simulator()) {                                                       \
      if (!::nlammr::simulated_cuda_available()) NLAMMR_SKIP("this build has no CUDA simulator");  \
    } else if (!::nlammr::cuda_available()) {                                                      \
      NLAMMR_SKIP(::nlammr::cuda_unavailable_reason());                                            \
    }                                                                                              \
  } while (0)

// For tests of the real device's public controls (kernels/cuda/cuda_backend.h),
// which the simulated device does not expose.
#define NLAMMR_REQUIRE_REAL_CUDA()                                                                 \
  do {                                                                                             \
    if (::nlammr::testing::on_simulator()) NLAMMR_SKIP("needs a real GPU, not the simulator");     \
    if (!::nlammr::cuda_available()) NLAMMR_SKIP(::nlammr::cuda_unavailable_reason());             \
  } while (0)

namespace nlammr::testing {

inline Backend& cpu_kernels() { return backend_for(Device::cpu()); }
inline Backend& gpu_kernels() { return backend_for(gpu_device()); }

inline Tensor on_gpu(const Tensor& t) { return t.detach().to(gpu_device()); }
inline Tensor on_cpu(const Tensor& t) { return t.detach().to(Device::cpu()); }

// Uniform values in [low, high).
inline Tensor uniform(const Shape& shape, DType dtype, Generator& gen, double low = -2.0, double high = 2.0) {
  return rand_uniform(shape, low, high, gen, dtype);
}

// An output buffer full of NaN (or 0x7f.. bytes for integers), so that an
// element a kernel forgets to write cannot pass for a correct one.
inline Tensor poisoned(const Shape& shape, DType dtype, Device device) {
  if (dtype_is_floating(dtype))
    return Tensor::full(shape, std::numeric_limits<double>::quiet_NaN(), dtype, device);
  return Tensor::full(shape, 127.0, dtype, device);
}

// A pair of NaN-poisoned outputs of the same shape: [0] on the CPU, [1] on the GPU.
struct OutputPair {
  Tensor cpu, gpu;
};
inline OutputPair poisoned_pair(const Shape& shape, DType dtype) {
  return {poisoned(shape, dtype, Device::cpu()), poisoned(shape, dtype, gpu_device())};
}

using cases::Tolerance;

// The tolerance for a dtype: `f32` for float32, `f64` for float64.
inline Tolerance tolerance_for(DType dtype, Tolerance f32, Tolerance f64) {
  return dtype == DType::Float64 ? f64 : f32;
}

// The tolerance tests/cases/kernel_cases.h gives a family for a dtype.
inline Tolerance tolerance_of(std::string_view op, DType dtype) {
  return cases::tolerance_of(cases::family(op), dtype);
}

inline std::vector<double> as_doubles(const Tensor& t) {
  return on_cpu(t).to(DType::Float64).contiguous().to_vector<double>();
}

// |gpu - cpu| <= atol + rtol * |cpu| element by element; NaN must match NaN.
inline void check_close(const Tensor& gpu, const Tensor& cpu, Tolerance tol, const std::string& what) {
  INFO(what << ": gpu " << gpu.str() << " vs cpu " << cpu.str());
  REQUIRE(gpu.shape() == cpu.shape());
  const std::vector<double> a = as_doubles(gpu), e = as_doubles(cpu);
  size_t worst = 0, failures = 0;
  double worst_excess = -1.0;
  for (size_t i = 0; i < a.size(); ++i) {
    const bool both_nan = std::isnan(a[i]) && std::isnan(e[i]);
    const bool same_inf = std::isinf(a[i]) && a[i] == e[i];
    if (both_nan || same_inf) continue;
    const double excess = std::fabs(a[i] - e[i]) - (tol.atol + tol.rtol * std::fabs(e[i]));
    if (std::isnan(excess) || excess > 0) {
      ++failures;
      const double e_or_inf = std::isnan(excess) ? INFINITY : excess;
      if (e_or_inf > worst_excess) worst_excess = e_or_inf, worst = i;
    }
  }
  INFO("failures " << failures << " of " << a.size() << "; worst at flat index " << worst << ": gpu "
                   << (a.empty() ? 0.0 : a[worst]) << ", cpu " << (e.empty() ? 0.0 : e[worst]) << " (rtol "
                   << tol.rtol << ", atol " << tol.atol << ")");
  CHECK(failures == 0);
}

// The same values to the bit (for kernels that add the same terms in the
// same order on both devices, and for integer results). Floating values are
// compared as float64 bit patterns (exact: every float16/bfloat16/float32 is a
// double), except that any NaN equals any NaN: the GPU's conversions produce
// the canonical NaN, whose payload differs from the CPU's.
inline void check_identical(const Tensor& gpu, const Tensor& cpu, const std::string& what) {
  INFO(what << ": gpu " << gpu.str() << " vs cpu " << cpu.str());
  REQUIRE(gpu.shape() == cpu.shape());
  REQUIRE(gpu.dtype() == cpu.dtype());
  int64_t first = -1;
  if (dtype_is_floating(cpu.dtype())) {
    const std::vector<double> a = as_doubles(gpu), e = as_doubles(cpu);
    for (size_t i = 0; i < a.size() && first < 0; ++i) {
      if (std::isnan(a[i]) && std::isnan(e[i])) continue;
      uint64_t ba, be;
      std::memcpy(&ba, &a[i], sizeof ba);
      std::memcpy(&be, &e[i], sizeof be);
      if (ba != be) first = static_cast<int64_t>(i);
    }
    INFO("first difference at flat index " << first << ": gpu " << (first >= 0 ? a[first] : 0.0) << ", cpu "
                                           << (first >= 0 ? e[first] : 0.0));
    CHECK(first < 0);
    return;
  }
  const Tensor a = on_cpu(gpu).contiguous(), e = cpu.detach().contiguous();
  const size_t width = dtype_size(a.dtype());
  const unsigned char* pa = static_cast<const unsigned char*>(a.raw_data());
  const unsigned char* pe = static_cast<const unsigned char*>(e.raw_data());
  for (int64_t i = 0; i < a.numel() && first < 0; ++i)
    if (std::memcmp(pa + i * width, pe + i * width, width) != 0) first = i;
  INFO("first differing element " << first << " of " << a.numel());
  CHECK(first < 0);
}

// Runs f on copies of the CPU leaves and on GPU copies of them, backpropagates
// sum(f * w) for a fixed random w on both, and compares outputs and gradients.
using OpFn = std::function<Tensor(const std::vector<Tensor>&)>;
inline void check_op_on_gpu(const std::vector<Tensor>& cpu_leaves, const OpFn& f, Tolerance tol,
                            const std::string& what) {
  std::vector<Tensor> a, b;
  for (const Tensor& t : cpu_leaves) {
    a.push_back(t.detach().clone().requires_grad_());
    b.push_back(on_gpu(t).requires_grad_());
  }
  Tensor out_cpu = f(a), out_gpu = f(b);
  REQUIRE(out_gpu.device() == gpu_device());
  check_close(out_gpu, out_cpu, tol, what + " (forward)");
  Generator wgen(99);
  Tensor w = randn(out_cpu.shape(), wgen, out_cpu.dtype());
  sum(out_cpu * w).backward();
  sum(out_gpu * on_gpu(w)).backward();
  for (size_t i = 0; i < a.size(); ++i) {
    REQUIRE(a[i].grad().defined() == b[i].grad().defined());
    if (a[i].grad().defined())
      check_close(b[i].grad(), a[i].grad(), tol, what + " (gradient of input " + std::to_string(i) + ")");
  }
}

}  // namespace nlammr::testing
