// Host-side helpers of both backends' kernel files: calling a kernel template
// with the element type a tensor's dtype names, and reading a tensor's data
// pointer (host memory for the CPU backend, device memory for CUDA). The
// error messages are the same on both backends, which the parity tests rely on.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "engine/tensor.h"

namespace nlammr::kernels {

// Calls f(T{}) with T = float or double according to dtype.
template <typename F>
void dispatch_float(DType dtype, const char* kernel, F&& f) {
  switch (dtype) {
    case DType::Float32: f(float{}); break;
    case DType::Float64: f(double{}); break;
    default:
      throw std::runtime_error(std::string(kernel) + ": expected float32 or float64, got " + dtype_name(dtype));
  }
}

// Calls f(I{}) with I = int32_t or int64_t according to dtype.
template <typename F>
void dispatch_index(DType dtype, const char* kernel, F&& f) {
  switch (dtype) {
    case DType::Int32: f(int32_t{}); break;
    case DType::Int64: f(int64_t{}); break;
    default:
      throw std::runtime_error(std::string(kernel) + ": index tensor must be int32 or int64, got " +
                               dtype_name(dtype));
  }
}

// The tensor's first element as a T* (the caller has checked the dtype).
template <typename T>
T* ptr(const Tensor& t) {
  return static_cast<T*>(t.raw_data());
}

}  // namespace nlammr::kernels
