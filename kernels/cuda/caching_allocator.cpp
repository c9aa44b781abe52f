#include "kernels/cuda/caching_allocator.h"

#include <cstdio>
#include <stdexcept>
#include <string>

namespace nlammr::cuda {

namespace {
constexpr size_t kSmallGranule = 512;
constexpr size_t kLargeThreshold = size_t{1} << 20;

std::string mib(size_t bytes) { return std::to_string(bytes / (1024.0 * 1024.0)).substr(0, 8) + " MiB"; }
}  // namespace

size_t allocation_size_class(size_t nbytes) {
  if (nbytes == 0) return kSmallGranule;  // every allocation gets a distinct address
  if (nbytes < kLargeThreshold) return (nbytes + kSmallGranule - 1) / kSmallGranule * kSmallGranule;
  // Largest power of two not above nbytes, then quarter steps above it.
  size_t power = kLargeThreshold;
  while (power <= nbytes / 2) power *= 2;
  const size_t step = power / 4;
  return (nbytes + step - 1) / step * step;
}

CachingAllocator::CachingAllocator(RawAlloc raw_alloc, RawFree raw_free)
    : raw_alloc_(std::move(raw_alloc)), raw_free_(std::move(raw_free)) {}

void* CachingAllocator::allocate(size_t nbytes) {
  const size_t size = allocation_size_class(nbytes);
  std::lock_guard<std::mutex> lock(mutex_);
  void* ptr = nullptr;
  auto bin = free_blocks_.find(size);
  if (bin != free_blocks_.end() && !bin->second.empty()) {
    ptr = bin->second.back();
    bin->second.pop_back();
    stats_.cached_bytes -= size;
    ++stats_.reuses;
  } else {
    ptr = raw_alloc_(size);
    if (!ptr) {  // out of memory: give the cache back to the device and try once more
      release_cached_locked();
      ptr = raw_alloc_(size);
    }
    if (!ptr)
      throw std::runtime_error("CUDA out of memory: cannot allocate " + mib(size) + " (in use " +
                               mib(stats_.in_use_bytes) + ", peak " + mib(stats_.peak_in_use_bytes) + ")");
    ++stats_.device_allocations;
  }
  in_use_.emplace(ptr, size);
  stats_.in_use_bytes += size;
  if (stats_.in_use_bytes > stats_.peak_in_use_bytes) stats_.peak_in_use_bytes = stats_.in_use_bytes;
  return ptr;
}

void CachingAllocator::deallocate(void* ptr) {
  if (!ptr) return;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = in_use_.find(ptr);
  if (it == in_use_.end()) {
    std::fprintf(stderr, "nlammr: CUDA allocator asked to free unknown pointer %p (ignored)\n", ptr);
    return;
  }
  const size_t size = it->second;
  in_use_.erase(it);
  stats_.in_use_bytes -= size;
  stats_.cached_bytes += size;
  free_blocks_[size].push_back(ptr);
}

void CachingAllocator::release_cached_locked() {
  // Take the blocks out of the bins first: whatever happens while freeing
  // them, none stays in the cache to be handed out again or freed twice.
  std::map<size_t, std::vector<void*>> blocks;
  blocks.swap(free_blocks_);
  stats_.cached_bytes = 0;
  // Best effort: a failing free (a sticky CUDA error) loses that block, but
  // never stops the others being freed and never throws out of here (this
  // path runs in allocation retries and in empty_cache).
  size_t failures = 0;
  for (auto& [size, list] : blocks)
    for (void* p : list) {
      try {
        raw_free_(p);
      } catch (const std::exception& e) {
        if (failures++ == 0)
          std::fprintf(stderr, "nlammr: freeing a cached CUDA block failed: %s\n", e.what());
      } catch (...) {
        ++failures;
      }
    }
  if (failures > 1) std::fprintf(stderr, "nlammr: %zu cached CUDA blocks could not be freed\n", failures);
}

void CachingAllocator::empty_cache() {
  std::lock_guard<std::mutex> lock(mutex_);
  release_cached_locked();
}

MemoryStats CachingAllocator::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

void CachingAllocator::reset_peak() {
  std::lock_guard<std::mutex> lock(mutex_);
  stats_.peak_in_use_bytes = stats_.in_use_bytes;
}

}  // namespace nlammr::cuda
