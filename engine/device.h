// Where a tensor's memory lives. The CPU is always there; CUDA devices exist
// when the CUDA backend is compiled in and a GPU is present at run time.
#pragma once

#include <cstdint>
#include <string>

namespace nlammr {

enum class DeviceType : uint8_t { CPU, CUDA };

struct Device {
  DeviceType type = DeviceType::CPU;
  int index = 0;

  static Device cpu() { return {DeviceType::CPU, 0}; }
  static Device cuda(int index = 0) { return {DeviceType::CUDA, index}; }
  bool is_cpu() const { return type == DeviceType::CPU; }
  bool is_cuda() const { return type == DeviceType::CUDA; }
  std::string str() const { return is_cpu() ? "cpu" : "cuda:" + std::to_string(index); }

  friend bool operator==(Device a, Device b) { return a.type == b.type && a.index == b.index; }
  friend bool operator!=(Device a, Device b) { return !(a == b); }
};

// Parses "cpu", "cuda", "cuda:1".
Device parse_device(const std::string& text);

}  // namespace nlammr
