// Stand-in for CUB's device radix sort: a stable sort of (key, value) pairs
// on the host, with CUB's two-call protocol (a first call with no storage
// asks for the temporary bytes needed).
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <cstddef>
#include <numeric>
#include <vector>

namespace cub {

struct DeviceRadixSort {
  template <typename Key, typename Value, typename NumItems>
  static cudaError_t SortPairs(void* temp_storage, size_t& temp_bytes, const Key* keys_in, Key* keys_out,
                               const Value* values_in, Value* values_out, NumItems num_items,
                               int begin_bit = 0, int end_bit = static_cast<int>(sizeof(Key) * 8),
                               cudaStream_t = nullptr) {
    if (temp_storage == nullptr) {
      temp_bytes = 1;  // CUB needs some; the host sort needs none
      return cudaSuccess;
    }
    const size_t n = static_cast<size_t>(num_items);
    // Only bits [begin_bit, end_bit) of a key decide its place, as in CUB.
    auto bits_of = [&](Key k) {
      using U = unsigned long long;
      U u = static_cast<U>(k) >> begin_bit;
      const int width = end_bit - begin_bit;
      return width >= 64 ? u : (u & ((U{1} << width) - 1));
    };
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return bits_of(keys_in[a]) < bits_of(keys_in[b]); });
    std::vector<Key> keys(n);
    std::vector<Value> values(n);
    for (size_t i = 0; i < n; ++i) keys[i] = keys_in[order[i]], values[i] = values_in[order[i]];
    std::copy(keys.begin(), keys.end(), keys_out);
    std::copy(values.begin(), values.end(), values_out);
    // Written on the host: memcheck must know the outputs are initialised.
    ::cudasim::mark_initialized(keys_out, sizeof(Key) * n);
    ::cudasim::mark_initialized(values_out, sizeof(Value) * n);
    return cudaSuccess;
  }
};

}  // namespace cub
