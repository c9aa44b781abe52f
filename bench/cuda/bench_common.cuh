// Shared pieces of the CUDA benchmarks: timing (bench/harness.h with a device
// synchronisation), the shapes (the kGpuBench cases of
// tests/cases/kernel_cases.h), the reference peaks measured
// in the same run (device-to-device copy bandwidth, float32 FMA throughput on
// CUDA cores), and one line per result that bench/gpu_suite.sh collects:
//   RESULT|<benchmark>|<variant>|<shape>|<value>|<unit>|<fraction of measured peak>
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/harness.h"
#include "engine/engine.h"
#include "kernels/cuda/cuda_backend.h"
#include "tests/cases/kernel_cases.h"

namespace nlammr::bench {

inline void check(cudaError_t err, const char* what) {
  if (err != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(err));
}

// Median wall time of `runs` calls of f (after `warmup` calls), in seconds:
// bench/harness.h's loop with a device synchronisation after every call, which
// waits for all work (the backend's stream and the default stream of library
// baselines).
inline double median_seconds(const std::function<void()>& f, int runs = 10, int warmup = 2) {
  TimingPlan plan = fixed_samples(runs, warmup);
  plan.sync = [] {
    cuda::synchronize();
    check(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
  };
  return measure(f, plan).median_s;
}

inline void report(const std::string& bench, const std::string& variant, const std::string& shape,
                   double value, const char* unit, double peak) {
  std::printf("RESULT|%s|%s|%s|%.2f|%s|%.3f\n", bench.c_str(), variant.c_str(), shape.c_str(), value, unit,
              peak > 0 ? value / peak : 0.0);
  std::fflush(stdout);
}

inline void report_missing(const std::string& bench, const std::string& variant, const std::string& why) {
  std::printf("RESULT|%s|%s|-|-|%s|-\n", bench.c_str(), variant.c_str(), why.c_str());
  std::fflush(stdout);
}

// Bandwidth of cudaMemcpy device to device (bytes read + bytes written per second).
inline double measured_copy_gbps() {
  const size_t bytes = size_t{512} << 20;
  void *a = nullptr, *b = nullptr;
  check(cudaMalloc(&a, bytes), "cudaMalloc");
  check(cudaMalloc(&b, bytes), "cudaMalloc");
  check(cudaMemset(a, 1, bytes), "cudaMemset");
  const double s =
      median_seconds([&] { check(cudaMemcpy(b, a, bytes, cudaMemcpyDeviceToDevice), "cudaMemcpy"); });
  check(cudaFree(a), "cudaFree");
  check(cudaFree(b), "cudaFree");
  return 2.0 * static_cast<double>(bytes) / s / 1e9;
}

__global__ void fma_peak_kernel(float* out, int iterations, float seed) {
  // Eight independent chains keep the FMA pipes busy.
  float a[8];
  for (int i = 0; i < 8; ++i) a[i] = seed + static_cast<float>(threadIdx.x + i);
  for (int it = 0; it < iterations; ++it)
    for (int i = 0; i < 8; ++i) a[i] = fmaf(a[i], 0.999999f, 1e-7f);
  float s = 0.0f;
  for (int i = 0; i < 8; ++i) s += a[i];
  if (s == 12345.678f) out[0] = s;  // practically never: keeps the loop alive
}

// float32 FMA throughput on CUDA cores, in TFLOP/s (2 flops per FMA).
inline double measured_fp32_tflops() {
  cudaDeviceProp prop{};
  check(cudaGetDeviceProperties(&prop, 0), "cudaGetDeviceProperties");
  float* out = nullptr;
  check(cudaMalloc(&out, sizeof(float)), "cudaMalloc");
  const int blocks = prop.multiProcessorCount * 8, threads = 256, iterations = 4096;
  const double s = median_seconds([&] {
    fma_peak_kernel<<<blocks, threads>>>(out, iterations, 1.0f);
    check(cudaGetLastError(), "fma_peak_kernel");
  });
  check(cudaFree(out), "cudaFree");
  return 2.0 * 8.0 * iterations * static_cast<double>(blocks) * threads / s / 1e12;
}

inline std::string dims(std::initializer_list<int64_t> d) { return shape_str(Shape(d)); }

// Runs a benchmark's body, reporting a clear error instead of crashing.
inline int run_main(const char* name, const std::function<void()>& body) {
  if (!cuda_available()) {
    std::printf("%s: skipped: %s\n", name, cuda_unavailable_reason().c_str());
    return 0;
  }
  try {
    std::printf("%s on %s\n", name, cuda::device_description(0).c_str());
    body();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: error: %s\n", name, e.what());
    return 1;
  }
  return 0;
}

}  // namespace nlammr::bench
