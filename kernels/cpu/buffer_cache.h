// Reuse of freed CPU buffers. Every op allocates its output, and a training
// step allocates and frees the same sizes over and over ([6,767, 64..128]
// atom matrices, step after step). Large blocks from malloc are fresh pages
// from the kernel each time (mmap), which are zeroed and faulted in one by
// one: that took about 5% of a training step. The cache keeps freed large
// blocks by size and hands them out again.
//
// Memory: when a request finds no cached block of its size, cached blocks of
// other sizes, the least recently freed first, are returned to the system
// until at least as many bytes are gone as the new block takes. So live plus
// cached bytes never grow past the most that was ever live at once: the
// cache does not raise the peak memory, it only keeps memory that was
// already in use. Blocks are not cleared: like memory from malloc, a new
// buffer's contents are undefined, and kernels write every element of their
// outputs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace nlammr::cpu {

class BufferCache {
 public:
  // Blocks smaller than this go straight to malloc, which already recycles
  // them quickly.
  static constexpr size_t kMinCachedBytes = size_t{64} << 10;

  ~BufferCache();
  // 64-byte aligned, at least nbytes; throws std::bad_alloc.
  void* allocate(size_t nbytes);
  // nbytes as given to allocate.
  void deallocate(void* ptr, size_t nbytes);
  // Returns every cached block to the system.
  void release();
  size_t cached_bytes() const;

 private:
  struct Block {
    void* ptr;
    size_t size;
  };
  using Order = std::list<Block>;  // least recently freed first
  static size_t block_size(size_t nbytes);
  void evict_locked(size_t bytes);
  void release_locked();

  mutable std::mutex mutex_;
  Order order_;
  std::unordered_map<size_t, std::vector<Order::iterator>> by_size_;  // most recently freed last
  size_t cached_ = 0;
};

}  // namespace nlammr::cpu
