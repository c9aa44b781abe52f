// Checks and small helpers shared by the op implementations.
#pragma once

#include <stdexcept>
#include <string>

#include "engine/autograd.h"
#include "engine/backend.h"
#include "engine/ops.h"

namespace nlammr::detail {

inline Backend& backend_of(const Tensor& t) { return backend_for(t.device()); }

inline void check_defined(const Tensor& t, const char* op, const char* what) {
  if (!t.defined()) throw std::runtime_error(std::string(op) + ": " + what + " is undefined");
}

// Compute ops run in float32 or float64.
inline void check_float(const Tensor& t, const char* op, const char* what) {
  check_defined(t, op, what);
  if (!dtype_is_compute(t.dtype()))
    throw std::runtime_error(std::string(op) + ": " + what + " must be float32 or float64, got " +
                             dtype_name(t.dtype()));
}

inline void check_index(const Tensor& t, const char* op, const char* what) {
  check_defined(t, op, what);
  if (t.dtype() != DType::Int32 && t.dtype() != DType::Int64)
    throw std::runtime_error(std::string(op) + ": " + what + " must be int32 or int64, got " +
                             dtype_name(t.dtype()));
}

// Mixed dtypes or devices are a mistake in the caller's code, not something
// to paper over with an implicit conversion.
inline void check_same(const Tensor& a, const Tensor& b, const char* op) {
  if (a.dtype() != b.dtype())
    throw std::runtime_error(std::string(op) + ": dtype mismatch (" + dtype_name(a.dtype()) + " vs " +
                             dtype_name(b.dtype()) + ")");
  if (a.device() != b.device())
    throw std::runtime_error(std::string(op) + ": device mismatch (" + a.device().str() + " vs " +
                             b.device().str() + ")");
}

inline void check_shape(const Tensor& t, const Shape& expected, const char* op, const char* what) {
  if (t.shape() != expected)
    throw std::runtime_error(std::string(op) + ": " + what + " has shape " + shape_str(t.shape()) + ", expected " +
                             shape_str(expected));
}

// A view of `t` broadcast to `shape` (stride 0 along stretched dims), with no
// autograd history: for passing to kernels.
Tensor broadcast_view(const Tensor& t, const Shape& shape);

// A uint8 0/1 copy of `mask` broadcast to `shape`, packed, for kernels.
Tensor packed_mask(const Tensor& mask, const Shape& shape, const char* op);

// Index tensors are passed to kernels packed and on the data's device.
inline Tensor packed(const Tensor& t) { return t.detach().contiguous(); }

}  // namespace nlammr::detail
