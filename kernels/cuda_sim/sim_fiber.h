// Minimal fibers for the simulator: a stack and a saved stack pointer per
// simulated thread, switched without a system call (ucontext's swapcontext
// saves the signal mask with a system call on every switch, which would make
// a block of 256 threads meeting at barriers far slower).
#pragma once

#include <cstddef>

namespace cudasim {

struct Fiber {
  void* sp = nullptr;  // saved stack pointer while suspended
};

// Prepares `fiber` to start `entry` (which must never return) on the stack
// [stack, stack + size).
void fiber_init(Fiber& fiber, void* stack, size_t size, void (*entry)());
// Saves the current context into `from` and resumes `to`.
void fiber_switch(Fiber& from, Fiber& to);

}  // namespace cudasim
