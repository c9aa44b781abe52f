// Philox-4x32-10, the counter-based random number generator of Salmon et al.,
// "Parallel random numbers: as easy as 1, 2, 3" (SC'11). A random value is a
// pure function of (key, counter), so element i of a dropout mask is the same
// whichever thread, device or thread count computes it. Compiled by both
// backends (and by engine/random.cpp for host-side sampling), so a CUDA
// dropout mask is bit-identical to the CPU's.
#pragma once

#include <cstdint>

#include "kernels/common/host_device.h"

namespace nlammr::philox {

struct Uint4 {
  uint32_t x, y, z, w;
};

NLAMMR_HOST_DEVICE uint32_t mulhilo(uint32_t a, uint32_t b, uint32_t* hi) {
  const uint64_t product = static_cast<uint64_t>(a) * b;
  *hi = static_cast<uint32_t>(product >> 32);
  return static_cast<uint32_t>(product);
}

// Ten rounds of the Philox bijection on a 128-bit counter with a 64-bit key.
NLAMMR_HOST_DEVICE Uint4 philox4x32_10(uint64_t counter, uint64_t key) {
  Uint4 c{static_cast<uint32_t>(counter), static_cast<uint32_t>(counter >> 32), 0u, 0u};
  uint32_t k0 = static_cast<uint32_t>(key), k1 = static_cast<uint32_t>(key >> 32);
  for (int round = 0; round < 10; ++round) {
    uint32_t hi0, hi1;
    const uint32_t lo0 = mulhilo(0xD2511F53u, c.x, &hi0);
    const uint32_t lo1 = mulhilo(0xCD9E8D57u, c.z, &hi1);
    c = Uint4{hi1 ^ c.y ^ k0, lo1, hi0 ^ c.w ^ k1, lo0};
    k0 += 0x9E3779B9u;  // golden ratio
    k1 += 0xBB67AE85u;  // sqrt(3) - 1
  }
  return c;
}

// Uniform in [0, 1) with 24 random bits (exact in float32).
NLAMMR_HOST_DEVICE float uniform01(uint64_t counter, uint64_t key) {
  return static_cast<float>(philox4x32_10(counter, key).x >> 8) * (1.0f / 16777216.0f);
}

// Uniform in [0, 1) with 53 random bits, for float64 sampling.
NLAMMR_HOST_DEVICE double uniform01_double(uint64_t counter, uint64_t key) {
  const Uint4 r = philox4x32_10(counter, key);
  const uint64_t bits = (static_cast<uint64_t>(r.x) << 21) ^ (r.y >> 11);
  return static_cast<double>(bits & ((1ull << 53) - 1)) * (1.0 / 9007199254740992.0);
}

}  // namespace nlammr::philox
