// Seeded random numbers for parameter initialisation and dropout.
//
// A Generator is (seed, offset): each draw consumes counters from `offset`
// onward in the Philox stream keyed by `seed`. Saving those two integers in a
// checkpoint is enough to resume a run with the same random numbers.
#pragma once

#include <cstdint>

#include "engine/tensor.h"

namespace nlammr {

class Generator {
 public:
  explicit Generator(uint64_t seed = 0) : seed_(seed) {}

  uint64_t seed() const { return seed_; }
  uint64_t offset() const { return offset_; }
  void set_state(uint64_t seed, uint64_t offset) { seed_ = seed, offset_ = offset; }

  // Reserves n counters and returns the first (for kernels that draw n values).
  uint64_t reserve(uint64_t n) {
    const uint64_t first = offset_;
    offset_ += n;
    return first;
  }

  double uniform();  // [0, 1)
  double normal();   // standard normal (Box-Muller)

 private:
  uint64_t seed_;
  uint64_t offset_ = 0;
};

// Host-side sampling into a new tensor (then moved to `device`).
Tensor rand_uniform(const Shape& shape, double low, double high, Generator& gen,
                    DType dtype = DType::Float32, Device device = Device::cpu());
Tensor randn(const Shape& shape, Generator& gen, DType dtype = DType::Float32,
             Device device = Device::cpu(), double mean = 0.0, double stddev = 1.0);

}  // namespace nlammr
