#include "kernels/cpu/buffer_cache.h"

#include <cstdlib>
#include <new>

namespace nlammr::cpu {

// Rounded to 64 bytes (a cache line, and what AVX-512 loads like best); the
// cached sizes are rounded to whole 4 KiB pages so that tensors whose sizes
// differ by a few elements share blocks.
size_t BufferCache::block_size(size_t nbytes) {
  if (nbytes < kMinCachedBytes) return nbytes == 0 ? 64 : (nbytes + 63) / 64 * 64;
  return (nbytes + 4095) / 4096 * 4096;
}

void* BufferCache::allocate(size_t nbytes) {
  const size_t size = block_size(nbytes);
  if (size >= kMinCachedBytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = by_size_.find(size);
    if (it != by_size_.end() && !it->second.empty()) {
      const Order::iterator block = it->second.back();
      it->second.pop_back();
      void* ptr = block->ptr;
      order_.erase(block);
      cached_ -= size;
      return ptr;
    }
    evict_locked(size);  // make room: the footprint must not grow
  }
  void* ptr = std::aligned_alloc(64, size);
  if (!ptr) {
    release();  // the cache may hold what the system needs
    ptr = std::aligned_alloc(64, size);
    if (!ptr) throw std::bad_alloc();
  }
  return ptr;
}

void BufferCache::deallocate(void* ptr, size_t nbytes) {
  const size_t size = block_size(nbytes);
  if (size < kMinCachedBytes) return std::free(ptr);
  std::lock_guard<std::mutex> lock(mutex_);
  order_.push_back({ptr, size});
  by_size_[size].push_back(std::prev(order_.end()));
  cached_ += size;
}

// Frees the least recently freed blocks until `bytes` are gone or the cache
// is empty.
void BufferCache::evict_locked(size_t bytes) {
  size_t freed = 0;
  while (freed < bytes && !order_.empty()) {
    const Block block = order_.front();
    std::vector<Order::iterator>& same = by_size_[block.size];
    // The oldest block of its size is the first in its list.
    same.erase(same.begin());
    order_.pop_front();
    std::free(block.ptr);
    cached_ -= block.size;
    freed += block.size;
  }
}

void BufferCache::release_locked() {
  for (const Block& block : order_) std::free(block.ptr);
  order_.clear();
  by_size_.clear();
  cached_ = 0;
}

void BufferCache::release() {
  std::lock_guard<std::mutex> lock(mutex_);
  release_locked();
}

size_t BufferCache::cached_bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return cached_;
}

BufferCache::~BufferCache() { release(); }

}  // namespace nlammr::cpu
