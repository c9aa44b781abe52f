// The CPU dropout mask against its definition: element i is 0 where
// philox::uniform01(offset + i, seed) < p, else 1 / (1 - p). The kernel
// computes several counters at once (kernels/cpu/random_optim.cpp); this
// checks every element, for lengths that leave a tail, odd offsets, and
// counters that cross a 32-bit boundary (the carry into Philox's second word).
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "engine/engine.h"
#include "kernels/common/philox.h"

using namespace nlammr;

TEST_CASE("dropout masks equal the scalar Philox formula element by element") {
  struct Case {
    int64_t n;
    uint64_t offset;
    double p;
  };
  const Case cases[] = {{8 * 40 + 5, 13, 0.3}, {3, 0, 0.5}, {1000, (1ull << 32) - 517, 0.7}, {70001, 12345, 0.1}};
  for (const DType dtype : {DType::Float32, DType::Float64}) {
    for (const Case& c : cases) {
      INFO(dtype_name(dtype) << ", n " << c.n << ", offset " << c.offset << ", p " << c.p);
      const uint64_t seed = 0x1234abcd5678ULL;
      Tensor mask = Tensor::empty({c.n}, dtype);
      backend_for(Device::cpu()).dropout_mask(mask, c.p, seed, c.offset);
      const std::vector<double> got = mask.to(DType::Float64).to_vector<double>();
      const double keep = dtype == DType::Float32 ? static_cast<double>(static_cast<float>(1.0 / (1.0 - c.p)))
                                                  : 1.0 / (1.0 - c.p);
      int64_t mismatches = 0, dropped = 0;
      for (int64_t i = 0; i < c.n; ++i) {
        const bool drop = philox::uniform01(c.offset + static_cast<uint64_t>(i), seed) < static_cast<float>(c.p);
        mismatches += got[i] != (drop ? 0.0 : keep);
        dropped += drop;
      }
      CHECK(mismatches == 0);
      if (c.n > 100) CHECK((dropped > 0 && dropped < c.n));
    }
  }
}
