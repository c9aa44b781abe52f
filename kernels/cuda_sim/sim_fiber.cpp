#include "kernels/cuda_sim/sim_fiber.h"

#include <cstdint>
#include <cstring>

#if defined(__x86_64__) && !defined(NLAMMR_CUDA_SIM_UCONTEXT)

// Saves the callee-saved registers, MXCSR and the x87 control word on the
// current stack, stores the stack pointer in *from, loads `to` and restores
// the same from there (System V x86-64 ABI).
extern "C" void nlammr_sim_switch(void** from, void* to);
asm(R"(
.text
.globl nlammr_sim_switch
.type nlammr_sim_switch,@function
nlammr_sim_switch:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  subq $8, %rsp
  stmxcsr (%rsp)
  fnstcw 4(%rsp)
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  ldmxcsr (%rsp)
  fldcw 4(%rsp)
  addq $8, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
.size nlammr_sim_switch, .-nlammr_sim_switch
.section .note.GNU-stack,"",@progbits
.text
)");

namespace cudasim {

void fiber_init(Fiber& fiber, void* stack, size_t size, void (*entry)()) {
  auto top = (reinterpret_cast<uintptr_t>(stack) + size) & ~uintptr_t{15};
  auto* slot = reinterpret_cast<uint64_t*>(top);
  *--slot = 0;                                  // fake return address of entry (never used)
  *--slot = reinterpret_cast<uint64_t>(entry);  // where the first switch "returns" to
  for (int i = 0; i < 6; ++i) *--slot = 0;      // rbp rbx r12 r13 r14 r15
  uint32_t control[2];
  asm volatile("stmxcsr %0" : "=m"(control[0]));
  asm volatile("fnstcw %0" : "=m"(control[1]));
  --slot;
  std::memcpy(slot, control, sizeof control);
  fiber.sp = slot;
}

void fiber_switch(Fiber& from, Fiber& to) { nlammr_sim_switch(&from.sp, to.sp); }

}  // namespace cudasim

#else  // portable fallback

#include <ucontext.h>

#include <memory>
#include <unordered_map>

namespace cudasim {
namespace {
// Fiber::sp points at a heap ucontext_t owned here.
ucontext_t* context_of(Fiber& f) {
  if (!f.sp) f.sp = new ucontext_t{};
  return static_cast<ucontext_t*>(f.sp);
}
}  // namespace

void fiber_init(Fiber& fiber, void* stack, size_t size, void (*entry)()) {
  ucontext_t* c = context_of(fiber);
  getcontext(c);
  c->uc_stack.ss_sp = stack;
  c->uc_stack.ss_size = size;
  c->uc_link = nullptr;
  makecontext(c, entry, 0);
}

void fiber_switch(Fiber& from, Fiber& to) { swapcontext(context_of(from), context_of(to)); }

}  // namespace cudasim

#endif
