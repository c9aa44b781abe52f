// Runs a function on a thread whose stack size is fixed here rather than by
// the caller's thread or `ulimit -s`.
//
// Molecule perception calls Open Babel, whose ring perception recurses once
// per atom. The atom limit (chem/smiles_limits.h) bounds that depth; this
// makes the stack it has to fit in a known size as well, whichever thread
// asks for the perception.
#pragma once

#include <cstddef>
#include <functional>

namespace nlammr {

constexpr size_t kLargeStackBytes = size_t{64} << 20;

// Calls `work` on a new thread with a stack of `stack_bytes` and waits for
// it; an exception thrown by `work` is rethrown in the caller.
void run_with_large_stack(const std::function<void()>& work, size_t stack_bytes = kLargeStackBytes);

}  // namespace nlammr
