// Where a tensor's memory lives. The CPU is always there; CUDA devices exist
// when the CUDA backend is compiled in and a GPU is present at run time. The
// simulated CUDA device ("cuda-sim") runs the CUDA kernels on the CPU through
// the simulator of kernels/cuda_sim, when the build includes it
// (NLAMMR_CUDA_SIM): slow, but it executes and checks the CUDA code path on
// any machine.
#pragma once

#include <cstdint>
#include <string>

namespace nlammr {

enum class DeviceType : uint8_t { CPU, CUDA, CudaSim };

struct Device {
  DeviceType type = DeviceType::CPU;
  int index = 0;

  static Device cpu() { return {DeviceType::CPU, 0}; }
  static Device cuda(int index = 0) { return {DeviceType::CUDA, index}; }
  static Device simulated_cuda(int index = 0) { return {DeviceType::CudaSim, index}; }
  bool is_cpu() const { return type == DeviceType::CPU; }
  bool is_cuda() const { return type == DeviceType::CUDA; }
  bool is_simulated_cuda() const { return type == DeviceType::CudaSim; }
  std::string str() const {
    return is_cpu() ? "cpu" : (is_cuda() ? "cuda:" : "cuda-sim:") + std::to_string(index);
  }

  friend bool operator==(Device a, Device b) { return a.type == b.type && a.index == b.index; }
  friend bool operator!=(Device a, Device b) { return !(a == b); }
};

// Parses "cpu", "cuda", "cuda:1", "cuda-sim", "cuda-sim:0".
Device parse_device(const std::string& text);

}  // namespace nlammr
