#include <cstdlib>
#include <cstring>
#include <new>

#include "kernels/cpu/cpu_backend.h"

namespace nlammr {

Backend& cpu_backend() {
  static CpuBackend backend;
  return backend;
}

// 64-byte alignment: a cache line, and what AVX-512 loads like best.
void* CpuBackend::allocate(size_t nbytes) {
  const size_t rounded = (nbytes + 63) / 64 * 64;
  void* ptr = std::aligned_alloc(64, rounded == 0 ? 64 : rounded);
  if (!ptr) throw std::bad_alloc();
  return ptr;
}

void CpuBackend::deallocate(void* ptr, size_t) { std::free(ptr); }

void CpuBackend::copy_bytes(void* dst, const void* src, size_t nbytes, CopyKind) {
  if (nbytes) std::memcpy(dst, src, nbytes);
}

}  // namespace nlammr
