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

  // Counters for a tensor of `numel` values whose first dimension runs over
  // a batch. Normally reserve(numel). While a row shard is set (data-parallel
  // training: this process holds rows [begin, begin + rows) of a batch of
  // `total` rows), the counters of the whole batch are reserved and the
  // returned first counter is that of row `begin`, so each row draws what it
  // would draw in one process holding the whole batch.
  uint64_t reserve_rows(uint64_t numel);
  void set_row_shard(uint64_t begin, uint64_t rows, uint64_t total);
  void clear_row_shard() { shard_total_ = 0; }

  double uniform();  // [0, 1)
  double normal();   // standard normal (Box-Muller)

 private:
  uint64_t seed_;
  uint64_t offset_ = 0;
  uint64_t shard_begin_ = 0, shard_rows_ = 0, shard_total_ = 0;  // total 0: no shard
};

// The row shard of a generator for the lifetime of the guard.
class RowShardGuard {
 public:
  RowShardGuard(Generator& gen, uint64_t begin, uint64_t rows, uint64_t total) : gen_(gen) {
    gen_.set_row_shard(begin, rows, total);
  }
  ~RowShardGuard() { gen_.clear_row_shard(); }
  RowShardGuard(const RowShardGuard&) = delete;
  RowShardGuard& operator=(const RowShardGuard&) = delete;

 private:
  Generator& gen_;
};

// Host-side sampling into a new tensor (then moved to `device`).
Tensor rand_uniform(const Shape& shape, double low, double high, Generator& gen,
                    DType dtype = DType::Float32, Device device = Device::cpu());
Tensor randn(const Shape& shape, Generator& gen, DType dtype = DType::Float32,
             Device device = Device::cpu(), double mean = 0.0, double stddev = 1.0);

}  // namespace nlammr
