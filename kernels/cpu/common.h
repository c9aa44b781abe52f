// Small helpers shared by the CPU kernels.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "engine/tensor.h"
#include "kernels/common/dispatch.h"

namespace nlammr::cpu {

// Work below this many elements runs on one thread: starting a parallel
// region costs more than it saves.
constexpr int64_t kParallelGrain = 1 << 14;

// dtype dispatch and data pointers, as the CUDA kernels use them.
using kernels::dispatch_float;
using kernels::dispatch_index;
using kernels::ptr;

[[noreturn]] inline void index_out_of_range(const char* kernel, int64_t value, int64_t limit) {
  throw std::runtime_error(std::string(kernel) + ": index " + std::to_string(value) + " out of range [0, " +
                           std::to_string(limit) + ")");
}

// CSR offsets must start at 0, never decrease, and end at the number of rows.
template <typename I>
void check_offsets(const I* off, int64_t segments, int64_t rows, const char* kernel) {
  if (off[0] != 0 || off[segments] != rows)
    throw std::runtime_error(std::string(kernel) + ": offsets must run from 0 to " + std::to_string(rows) +
                             ", got " + std::to_string(off[0]) + " .. " + std::to_string(off[segments]));
  for (int64_t s = 0; s < segments; ++s)
    if (off[s + 1] < off[s])
      throw std::runtime_error(std::string(kernel) + ": offsets decrease at segment " + std::to_string(s));
}

}  // namespace nlammr::cpu
