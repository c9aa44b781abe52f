// Tensors to and from safetensors files: the bridge between io/safetensors
// (bytes) and the engine (tensors).
#pragma once

#include <map>
#include <string>

#include "engine/tensor.h"
#include "io/safetensors.h"

namespace nlammr {

struct LoadOptions {
  // float16/bfloat16 are storage types: convert them (and float64, when
  // asked) to float32 on load.
  bool half_to_float32 = true;
  bool float64_to_float32 = false;
  Device device = Device::cpu();
};

// A tensor viewing an opened file's bytes: zero-copy when the bytes are
// aligned and the tensor stays on the CPU without conversion.
// Throws naming the file and the tensor when a floating-point tensor holds
// a NaN or infinite value (io/finite_values.h).
Tensor tensor_from_entry(const SafeTensorsFile& file, const TensorEntry& entry, const LoadOptions& options = {});

// Every tensor of a file by name.
std::map<std::string, Tensor> load_tensors(const std::string& path, const LoadOptions& options = {});

// Writes tensors (any device, any strides) atomically; `metadata` goes into
// the header's __metadata__.
void save_tensors(const std::string& path, const std::map<std::string, Tensor>& tensors,
                  const std::map<std::string, std::string>& metadata = {});

}  // namespace nlammr
