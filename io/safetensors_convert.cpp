#include <cstring>
#include <stdexcept>

#include "io/safetensors.h"

namespace nlammr {

namespace {

// Reads element i of type T without assuming the buffer is aligned for T.
template <typename T>
T load(const void* data, size_t i) {
  T value;
  std::memcpy(&value, static_cast<const char*>(data) + i * sizeof(T), sizeof(T));
  return value;
}

}  // namespace

std::vector<float> to_float32(const TensorEntry& tensor) {
  const size_t count = tensor.nbytes / dtype_size(tensor.dtype);
  std::vector<float> values(count);
  switch (tensor.dtype) {
    case DType::Float32:
      if (count > 0) std::memcpy(values.data(), tensor.data, tensor.nbytes);
      break;
    case DType::Float64:
      for (size_t i = 0; i < count; ++i) values[i] = static_cast<float>(load<double>(tensor.data, i));
      break;
    case DType::Float16:
      for (size_t i = 0; i < count; ++i) values[i] = half_to_float(load<uint16_t>(tensor.data, i));
      break;
    case DType::BFloat16:
      for (size_t i = 0; i < count; ++i) values[i] = bfloat16_to_float(load<uint16_t>(tensor.data, i));
      break;
    default:
      throw std::runtime_error("to_float32: tensor '" + tensor.name + "' has dtype " +
                               dtype_name(tensor.dtype) + "; only floating dtypes convert to float32");
  }
  return values;
}

}  // namespace nlammr
