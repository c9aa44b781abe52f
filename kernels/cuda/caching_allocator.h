// A caching allocator for device memory, in plain C++ so that its
// bookkeeping is unit-tested without a GPU (the tests plug in malloc/free).
//
// cudaMalloc and cudaFree are slow (cudaFree synchronises the whole device),
// and a training step allocates and frees the same sizes over and over. So
// freed blocks are not returned to the driver but kept in bins by size class,
// and the next request of that class reuses one. Requests are rounded up to
// their class: multiples of 512 bytes below 1 MiB, and above that a quarter
// of a power of two (1, 1.25, 1.5, 1.75 x 2^k), so a block wastes at most a
// fifth of its size while one class serves many nearby sizes.
//
// Safe reuse without events: the CUDA backend runs everything on one stream
// per device, so a block freed on the host while kernels that use it are
// still queued is only handed to work queued after them.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace nlammr::cuda {

// The rounded size that a request of `nbytes` occupies.
size_t allocation_size_class(size_t nbytes);

struct MemoryStats {
  size_t in_use_bytes = 0;        // handed out and not yet freed (size classes)
  size_t cached_bytes = 0;        // freed, kept for reuse
  size_t peak_in_use_bytes = 0;   // high-water mark of in_use_bytes
  size_t device_allocations = 0;  // calls that reached the raw allocator
  size_t reuses = 0;              // requests served from the cache
};

class CachingAllocator {
 public:
  // raw_alloc returns nullptr when the device is out of memory (and throws
  // for any other failure); raw_free releases a block it returned.
  using RawAlloc = std::function<void*(size_t)>;
  using RawFree = std::function<void(void*)>;

  CachingAllocator(RawAlloc raw_alloc, RawFree raw_free);
  CachingAllocator(const CachingAllocator&) = delete;
  CachingAllocator& operator=(const CachingAllocator&) = delete;

  // Throws std::runtime_error when the device has no room even after the
  // cache has been emptied.
  void* allocate(size_t nbytes);
  // Returns `ptr` to the cache. Never throws (called from destructors): an
  // unknown pointer is reported on stderr and ignored.
  void deallocate(void* ptr);
  // Releases every cached block to the raw allocator. Never throws: a block
  // whose release fails is reported on stderr and dropped from the cache.
  void empty_cache();
  MemoryStats stats() const;
  void reset_peak();

 private:
  void release_cached_locked();

  RawAlloc raw_alloc_;
  RawFree raw_free_;
  mutable std::mutex mutex_;
  std::map<size_t, std::vector<void*>> free_blocks_;  // size class -> cached blocks
  std::unordered_map<void*, size_t> in_use_;          // block -> size class
  MemoryStats stats_;
};

}  // namespace nlammr::cuda
