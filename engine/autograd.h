// Reverse-mode automatic differentiation over a dynamic graph.
//
// Every op that produces a tensor from inputs that require gradients attaches
// a Node to its output: the inputs it read, and a closure that turns the
// gradient of the output into gradients for those inputs (micrograd's
// `_backward`, with tensors instead of scalars). backward() walks the nodes in
// reverse topological order, sums the gradients that reach each tensor, and
// stores the sums of leaves in their `.grad`.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/tensor.h"

namespace nlammr {

// Gradient of the op's output -> one gradient per input (an undefined Tensor
// for inputs that need none). Closures capture what the backward needs; they
// must capture the op's *output* only through detach(), or the output would
// own itself through its grad_fn.
using BackwardFn = std::function<std::vector<Tensor>(const Tensor& grad_output)>;

struct Node {
  const char* name = "";
  std::vector<Tensor> inputs;
  BackwardFn backward;
  bool released = false;  // saved tensors freed after a backward pass
};

// Whether ops record the graph (thread-local, on by default).
class GradMode {
 public:
  static bool is_enabled();
  static void set_enabled(bool enabled);
};

// Turns graph recording off for its lifetime: inference, optimizer updates,
// and the backward pass itself.
class NoGradGuard {
 public:
  NoGradGuard() : previous_(GradMode::is_enabled()) { GradMode::set_enabled(false); }
  ~NoGradGuard() { GradMode::set_enabled(previous_); }
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};

// True when recording is on and any input requires a gradient.
bool needs_graph(const std::vector<Tensor>& inputs);

// Attaches a Node to `output` when needs_graph(inputs); returns output.
Tensor record(const char* name, Tensor output, std::vector<Tensor> inputs, BackwardFn backward);

// The engine behind Tensor::backward().
void run_backward(const Tensor& root, const Tensor& grad_root, bool retain_graph);

// Sums a broadcast gradient back down to `shape` (the inverse of broadcasting).
Tensor sum_to_shape(const Tensor& grad, const Shape& shape);

}  // namespace nlammr
