// N-d strided indexing for CUDA kernels.
//
// A kernel that reads views (transposes, slices, stride-0 broadcasts) gets,
// for each of its N operands, the strides of a shared shape. Element `linear`
// of a row-major walk over that shape lives at
//   offset_k = sum_d index_d * strides[k][d]
// in operand k. As in the CPU's StridedLoop, dimensions that are contiguous
// in every operand are merged first, so packed tensors collapse into a single
// dimension with unit strides and the kernel takes a path with no division.
//
// The struct is plain data: it travels to the GPU as a kernel argument.
#pragma once

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "engine/tensor.h"
#include "kernels/common/host_device.h"

namespace nlammr::cuda {

constexpr int kMaxDims = 10;

template <int N>
struct StridedLayout {
  int ndim = 1;
  int64_t numel = 0;
  int64_t sizes[kMaxDims] = {1};
  int64_t strides[N][kMaxDims] = {};

  // One merged dimension with unit stride everywhere: offsets equal `linear`.
  NLAMMR_HOST_DEVICE bool packed() const {
    if (ndim != 1) return false;
    for (int k = 0; k < N; ++k)
      if (strides[k][0] != 1 && sizes[0] != 1) return false;
    return true;
  }

  NLAMMR_HOST_DEVICE void offsets(int64_t linear, int64_t (&out)[N]) const {
    if (ndim == 1) {  // the common case after merging: no division
      for (int k = 0; k < N; ++k) out[k] = linear * strides[k][0];
      return;
    }
    for (int k = 0; k < N; ++k) out[k] = 0;
    for (int d = ndim - 1; d >= 0; --d) {
      const int64_t i = linear % sizes[d];
      linear /= sizes[d];
      for (int k = 0; k < N; ++k) out[k] += i * strides[k][d];
    }
  }
};

// Builds the merged layout of `shape` as seen through each operand's strides.
template <int N>
StridedLayout<N> make_strided_layout(const Shape& shape, const std::array<const Shape*, N>& strides) {
  StridedLayout<N> layout;
  layout.numel = shape_numel(shape);
  layout.ndim = 0;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1) continue;  // a size-1 dimension never moves an offset
    bool mergeable = layout.ndim > 0;
    for (int k = 0; k < N && mergeable; ++k)
      mergeable = layout.strides[k][layout.ndim - 1] == (*strides[k])[d] * shape[d];
    if (mergeable) {
      layout.sizes[layout.ndim - 1] *= shape[d];
      for (int k = 0; k < N; ++k) layout.strides[k][layout.ndim - 1] = (*strides[k])[d];
      continue;
    }
    if (layout.ndim == kMaxDims)
      throw std::runtime_error("CUDA strided kernels handle at most " + std::to_string(kMaxDims) +
                               " non-mergeable dimensions; shape " + shape_str(shape) + " has more");
    layout.sizes[layout.ndim] = shape[d];
    for (int k = 0; k < N; ++k) layout.strides[k][layout.ndim] = (*strides[k])[d];
    ++layout.ndim;
  }
  if (layout.ndim == 0) {  // a scalar, or all dimensions of size 1
    layout.ndim = 1;
    layout.sizes[0] = 1;
    for (int k = 0; k < N; ++k) layout.strides[k][0] = 0;
  }
  return layout;
}

}  // namespace nlammr::cuda
