// The dropout mask's element, written once for both backends: element i of
// a mask is 0 where the Philox draw for counter offset + i lies below p,
// else 1 / (1 - p) (inverted dropout: the kept values are scaled up so that
// the expectation is unchanged). The draw is a pure function of the seed and
// the counter (philox.h), so every backend, thread count and vector width
// gives the same mask bit for bit.
#pragma once

#include <cstdint>

#include "kernels/common/host_device.h"
#include "kernels/common/philox.h"

namespace nlammr::math {

template <typename T>
struct DropoutMask {
  float threshold;  // p, compared with a float draw in [0, 1)
  T keep_scale;     // 1 / (1 - p)

  // The mask value for a draw u in [0, 1) (the CPU's vectorised Philox
  // computes the draws of several counters at once).
  NLAMMR_HOST_DEVICE T from_uniform(float u) const { return u < threshold ? T(0) : keep_scale; }
  NLAMMR_HOST_DEVICE T at(uint64_t seed, uint64_t counter) const {
    return from_uniform(philox::uniform01(counter, seed));
  }
};

template <typename T>
inline DropoutMask<T> dropout_mask(double p) {
  return DropoutMask<T>{static_cast<float>(p), static_cast<T>(1.0 / (1.0 - p))};
}

}  // namespace nlammr::math
