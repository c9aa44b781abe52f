#include <cstdlib>
#include <cstring>
#include <new>

#include "kernels/cpu/buffer_cache.h"
#include "kernels/cpu/cpu_backend.h"

namespace nlammr {

Backend& cpu_backend() {
  static CpuBackend backend;
  return backend;
}

namespace {
// Never destroyed: tensors held by static objects may be freed after main
// returns, and must find the cache still there.
cpu::BufferCache& buffer_cache() {
  static cpu::BufferCache* cache = new cpu::BufferCache;
  return *cache;
}
}  // namespace

// 64-byte aligned; large blocks are reused (kernels/cpu/buffer_cache.h).
void* CpuBackend::allocate(size_t nbytes) { return buffer_cache().allocate(nbytes); }

void CpuBackend::deallocate(void* ptr, size_t nbytes) { buffer_cache().deallocate(ptr, nbytes); }

void CpuBackend::copy_bytes(void* dst, const void* src, size_t nbytes, CopyKind) {
  if (nbytes) std::memcpy(dst, src, nbytes);
}

}  // namespace nlammr
