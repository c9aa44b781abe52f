// Element types a tensor can hold.
//
// float32 and float64 are the compute types: every op runs in them (float64
// exists so that finite-difference gradient checks are precise enough).
// int32/int64 hold indices (token ids, graph edges, segment offsets).
// float16/bfloat16 are storage types: checkpoints arrive in them and are
// converted to float32 on load; no op computes in them on the CPU.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "kernels/common/scalar_convert.h"

namespace nlammr {

enum class DType : uint8_t { Float32, Float64, Float16, BFloat16, Int32, Int64, UInt8, Bool };

size_t dtype_size(DType t);
const char* dtype_name(DType t);             // "float32", ...
bool dtype_is_floating(DType t);             // float32/64/16, bfloat16
bool dtype_is_compute(DType t);              // float32, float64

// C++ type <-> DType at compile time.
template <typename T> struct dtype_of;
template <> struct dtype_of<float> { static constexpr DType value = DType::Float32; };
template <> struct dtype_of<double> { static constexpr DType value = DType::Float64; };
template <> struct dtype_of<int32_t> { static constexpr DType value = DType::Int32; };
template <> struct dtype_of<int64_t> { static constexpr DType value = DType::Int64; };
template <> struct dtype_of<uint8_t> { static constexpr DType value = DType::UInt8; };
template <> struct dtype_of<bool> { static constexpr DType value = DType::Bool; };

// IEEE half and bfloat16 conversions (round to nearest even on the way
// down): the ones the CUDA kernels use too (kernels/common/scalar_convert.h).
inline float half_to_float(uint16_t h) { return convert::half_bits_to_float(h); }
inline uint16_t float_to_half(float f) { return convert::float_to_half_bits(f); }
inline float bfloat16_to_float(uint16_t b) { return convert::bfloat16_bits_to_float(b); }
inline uint16_t float_to_bfloat16(float f) { return convert::float_to_bfloat16_bits(f); }

}  // namespace nlammr
