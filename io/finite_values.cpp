#include "io/finite_values.h"

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

namespace nlammr {
namespace {

// A value is NaN or infinite exactly when its exponent bits are all ones.
template <typename Bits>
long long first_with_exponent(const void* data, size_t count, Bits exponent_mask) {
  const unsigned char* bytes = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < count; ++i) {
    Bits value;
    std::memcpy(&value, bytes + i * sizeof(Bits), sizeof(Bits));  // data may be unaligned
    if ((value & exponent_mask) == exponent_mask) return static_cast<long long>(i);
  }
  return -1;
}

}  // namespace

long long first_non_finite(const TensorEntry& entry) {
  if (entry.data == nullptr) return -1;
  switch (entry.dtype) {
    case DType::Float32: return first_with_exponent<uint32_t>(entry.data, entry.nbytes / 4, 0x7F800000u);
    case DType::Float64:
      return first_with_exponent<uint64_t>(entry.data, entry.nbytes / 8, 0x7FF0000000000000ull);
    case DType::Float16: return first_with_exponent<uint16_t>(entry.data, entry.nbytes / 2, 0x7C00u);
    case DType::BFloat16: return first_with_exponent<uint16_t>(entry.data, entry.nbytes / 2, 0x7F80u);
    default: return -1;
  }
}

void require_finite(const SafeTensorsFile& file, const TensorEntry& entry) {
  const long long index = first_non_finite(entry);
  if (index < 0) return;
  throw std::runtime_error(file.path() + ": tensor '" + entry.name + "' holds a NaN or infinite value (element " +
                           std::to_string(index) + "); the file is damaged or was written by a diverged run");
}

}  // namespace nlammr
