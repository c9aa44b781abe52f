// Row-major iteration over N operands that share a shape but not strides
// (views, transposes, stride-0 broadcasts). Dimensions that are contiguous in
// every operand are merged first, so a packed tensor becomes one long run.
// The body receives runs along the innermost dimension:
//   body(offsets[N], count, inner_strides[N])
// and is called in parallel for disjoint chunks of elements.
#pragma once

#include <omp.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "kernels/cpu/common.h"

namespace nlammr::cpu {

template <size_t N>
class StridedLoop {
 public:
  StridedLoop(const Shape& shape, const std::array<const Shape*, N>& strides) {
    numel_ = shape_numel(shape);
    for (size_t d = 0; d < shape.size(); ++d) {
      if (shape[d] == 1) continue;  // a size-1 dimension never moves an offset
      const bool mergeable = !shape_.empty() && [&] {
        for (size_t k = 0; k < N; ++k)
          if (strides_[k].back() != (*strides[k])[d] * shape[d]) return false;
        return true;
      }();
      if (mergeable) {
        shape_.back() *= shape[d];
        for (size_t k = 0; k < N; ++k) strides_[k].back() = (*strides[k])[d];
      } else {
        shape_.push_back(shape[d]);
        for (size_t k = 0; k < N; ++k) strides_[k].push_back((*strides[k])[d]);
      }
    }
    if (shape_.empty()) {
      shape_.push_back(1);
      for (size_t k = 0; k < N; ++k) strides_[k].push_back(0);
    }
  }

  template <typename Body>
  void run(Body body) const {
    if (numel_ == 0) return;
    const int64_t threads = omp_get_max_threads();
    const int64_t chunk = std::max<int64_t>(kParallelGrain, (numel_ + threads - 1) / threads);
    const int64_t chunks = (numel_ + chunk - 1) / chunk;
#pragma omp parallel for schedule(static) if (chunks > 1)
    for (int64_t c = 0; c < chunks; ++c) run_range(c * chunk, std::min(numel_, (c + 1) * chunk), body);
  }

 private:
  template <typename Body>
  void run_range(int64_t begin, int64_t end, Body& body) const {
    const int64_t ndim = static_cast<int64_t>(shape_.size());
    std::vector<int64_t> index(ndim);
    std::array<int64_t, N> offsets{};
    std::array<int64_t, N> inner{};
    for (size_t k = 0; k < N; ++k) inner[k] = strides_[k][ndim - 1];
    int64_t rest = begin;
    for (int64_t d = ndim - 1; d >= 0; --d) {
      index[d] = rest % shape_[d];
      rest /= shape_[d];
      for (size_t k = 0; k < N; ++k) offsets[k] += index[d] * strides_[k][d];
    }
    for (int64_t i = begin; i < end;) {
      const int64_t count = std::min(shape_[ndim - 1] - index[ndim - 1], end - i);
      body(offsets, count, inner);
      i += count;
      // Advance the multi-index by `count`, carrying into outer dimensions.
      index[ndim - 1] += count;
      for (size_t k = 0; k < N; ++k) offsets[k] += count * inner[k];
      for (int64_t d = ndim - 1; d > 0 && index[d] == shape_[d]; --d) {
        index[d] = 0;
        index[d - 1] += 1;
        for (size_t k = 0; k < N; ++k) offsets[k] += strides_[k][d - 1] - shape_[d] * strides_[k][d];
      }
    }
  }

  std::vector<int64_t> shape_;
  std::array<std::vector<int64_t>, N> strides_;
  int64_t numel_ = 0;
};

}  // namespace nlammr::cpu
