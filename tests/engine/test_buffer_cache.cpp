// The CPU backend's cache of freed buffers (kernels/cpu/buffer_cache.h):
// blocks are reused by size, and what it keeps never makes live plus cached
// bytes exceed the most that was live at once.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>

#include "kernels/cpu/buffer_cache.h"

using nlammr::cpu::BufferCache;

namespace {
constexpr size_t kBig = size_t{1} << 20;
bool aligned64(const void* p) { return reinterpret_cast<std::uintptr_t>(p) % 64 == 0; }
}  // namespace

TEST_CASE("a freed large block is handed out again for the same size, 64-byte aligned") {
  BufferCache cache;
  void* a = cache.allocate(kBig);
  CHECK(aligned64(a));
  std::memset(a, 1, kBig);  // the whole block is usable
  cache.deallocate(a, kBig);
  CHECK(cache.cached_bytes() == kBig);
  void* b = cache.allocate(kBig - 100);  // rounds to the same page count
  CHECK(b == a);
  CHECK(cache.cached_bytes() == 0);
  cache.deallocate(b, kBig - 100);
}

TEST_CASE("small blocks are not cached") {
  BufferCache cache;
  void* a = cache.allocate(1000);
  CHECK(aligned64(a));
  cache.deallocate(a, 1000);
  CHECK(cache.cached_bytes() == 0);
  void* z = cache.allocate(0);  // a valid, freeable block
  CHECK(z != nullptr);
  cache.deallocate(z, 0);
}

TEST_CASE("a request of a new size first gives back at least as many cached bytes, oldest first") {
  BufferCache cache;
  void* a = cache.allocate(kBig);
  void* b = cache.allocate(2 * kBig);
  cache.deallocate(a, kBig);      // oldest
  cache.deallocate(b, 2 * kBig);  // newer
  CHECK(cache.cached_bytes() == 3 * kBig);
  // 1.5 MiB: no block of that size; the oldest (1 MiB) is not enough, so the
  // 2 MiB block goes too. Live + cached: 1.5 MiB, below the 3 MiB peak.
  void* c = cache.allocate(kBig + kBig / 2);
  CHECK(cache.cached_bytes() == 0);
  void* d = cache.allocate(kBig);
  void* e = cache.allocate(2 * kBig);
  cache.deallocate(d, kBig);
  cache.deallocate(e, 2 * kBig);
  CHECK(cache.cached_bytes() == 3 * kBig);
  // A hit takes its own size only and leaves the others cached.
  void* f = cache.allocate(kBig);
  CHECK(f == d);
  CHECK(cache.cached_bytes() == 2 * kBig);
  cache.deallocate(f, kBig);
  cache.deallocate(c, kBig + kBig / 2);
  cache.release();
  CHECK(cache.cached_bytes() == 0);
}
