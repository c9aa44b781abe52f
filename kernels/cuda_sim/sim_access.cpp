// Memory-access hooks. The kernel files are compiled with GCC's or Clang's
// ThreadSanitizer instrumentation (-fsanitize=thread) but linked without its
// run-time library: the compiler then calls the functions below on every
// load and store, and they feed the simulator's racecheck, memcheck and
// access metrics (sim_runtime.cpp). Outside a simulated thread they do
// nothing. Atomic operations in the instrumented files (std::atomic in host
// code) are carried out here with the compiler's builtins.
#include <cstdint>

#include "kernels/cuda_sim/sim_runtime.h"

namespace {
inline void access(void* address, size_t bytes, bool write) {
  if (cudasim::in_kernel())
    cudasim::on_access(reinterpret_cast<uintptr_t>(address), bytes, write,
                       reinterpret_cast<uintptr_t>(__builtin_return_address(0)));
}
}  // namespace

namespace cudasim {
bool accesses_instrumented() {
#ifdef NLAMMR_CUDA_SIM_INSTRUMENTED
  return true;
#else
  return false;
#endif
}
}  // namespace cudasim

#ifdef NLAMMR_CUDA_SIM_INSTRUMENTED
extern "C" {

void __tsan_init() {}
void __tsan_func_entry(void*) {}
void __tsan_func_exit() {}
void __tsan_ignore_thread_begin() {}
void __tsan_ignore_thread_end() {}
void __tsan_vptr_update(void**, void*) {}
void __tsan_vptr_read(void**) {}

#define NLAMMR_SIM_HOOKS(n)                                                                          \
  __attribute__((noinline)) void __tsan_read##n(void* a) { access(a, n, false); }                    \
  __attribute__((noinline)) void __tsan_write##n(void* a) { access(a, n, true); }                    \
  __attribute__((noinline)) void __tsan_unaligned_read##n(void* a) { access(a, n, false); }          \
  __attribute__((noinline)) void __tsan_unaligned_write##n(void* a) { access(a, n, true); }          \
  __attribute__((noinline)) void __tsan_volatile_read##n(void* a) { access(a, n, false); }           \
  __attribute__((noinline)) void __tsan_volatile_write##n(void* a) { access(a, n, true); }           \
  __attribute__((noinline)) void __tsan_unaligned_volatile_read##n(void* a) { access(a, n, false); } \
  __attribute__((noinline)) void __tsan_unaligned_volatile_write##n(void* a) { access(a, n, true); }
NLAMMR_SIM_HOOKS(1)
NLAMMR_SIM_HOOKS(2)
NLAMMR_SIM_HOOKS(4)
NLAMMR_SIM_HOOKS(8)
NLAMMR_SIM_HOOKS(16)
#undef NLAMMR_SIM_HOOKS

__attribute__((noinline)) void __tsan_read_range(void* a, unsigned long n) { access(a, n, false); }
__attribute__((noinline)) void __tsan_write_range(void* a, unsigned long n) { access(a, n, true); }

#define NLAMMR_SIM_ATOMICS(bits, T)                                                                       \
  T __tsan_atomic##bits##_load(const volatile T* a, int) { return __atomic_load_n(a, __ATOMIC_SEQ_CST); } \
  void __tsan_atomic##bits##_store(volatile T* a, T v, int) { __atomic_store_n(a, v, __ATOMIC_SEQ_CST); } \
  T __tsan_atomic##bits##_exchange(volatile T* a, T v, int) {                                             \
    return __atomic_exchange_n(a, v, __ATOMIC_SEQ_CST);                                                   \
  }                                                                                                       \
  T __tsan_atomic##bits##_fetch_add(volatile T* a, T v, int) {                                            \
    return __atomic_fetch_add(a, v, __ATOMIC_SEQ_CST);                                                    \
  }                                                                                                       \
  T __tsan_atomic##bits##_fetch_sub(volatile T* a, T v, int) {                                            \
    return __atomic_fetch_sub(a, v, __ATOMIC_SEQ_CST);                                                    \
  }                                                                                                       \
  T __tsan_atomic##bits##_fetch_and(volatile T* a, T v, int) {                                            \
    return __atomic_fetch_and(a, v, __ATOMIC_SEQ_CST);                                                    \
  }                                                                                                       \
  T __tsan_atomic##bits##_fetch_or(volatile T* a, T v, int) {                                             \
    return __atomic_fetch_or(a, v, __ATOMIC_SEQ_CST);                                                     \
  }                                                                                                       \
  T __tsan_atomic##bits##_fetch_xor(volatile T* a, T v, int) {                                            \
    return __atomic_fetch_xor(a, v, __ATOMIC_SEQ_CST);                                                    \
  }                                                                                                       \
  T __tsan_atomic##bits##_fetch_nand(volatile T* a, T v, int) {                                           \
    return __atomic_fetch_nand(a, v, __ATOMIC_SEQ_CST);                                                   \
  }                                                                                                       \
  int __tsan_atomic##bits##_compare_exchange_strong(volatile T* a, T* c, T v, int, int) {                 \
    return __atomic_compare_exchange_n(a, c, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);               \
  }                                                                                                       \
  int __tsan_atomic##bits##_compare_exchange_weak(volatile T* a, T* c, T v, int, int) {                   \
    return __atomic_compare_exchange_n(a, c, v, true, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);                \
  }                                                                                                       \
  T __tsan_atomic##bits##_compare_exchange_val(volatile T* a, T c, T v, int, int) {                       \
    __atomic_compare_exchange_n(a, &c, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);                     \
    return c;                                                                                             \
  }
NLAMMR_SIM_ATOMICS(8, uint8_t)
NLAMMR_SIM_ATOMICS(16, uint16_t)
NLAMMR_SIM_ATOMICS(32, uint32_t)
NLAMMR_SIM_ATOMICS(64, uint64_t)
#undef NLAMMR_SIM_ATOMICS

void __tsan_atomic_thread_fence(int) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
void __tsan_atomic_signal_fence(int) { __atomic_signal_fence(__ATOMIC_SEQ_CST); }

}  // extern "C"
#endif
