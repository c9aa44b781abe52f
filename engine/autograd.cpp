#include "engine/autograd.h"

#include <stdexcept>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "engine/backend.h"
#include "engine/ops.h"

namespace nlammr {

namespace {
thread_local bool grad_mode_enabled = true;
}

bool GradMode::is_enabled() { return grad_mode_enabled; }
void GradMode::set_enabled(bool enabled) { grad_mode_enabled = enabled; }

bool needs_graph(const std::vector<Tensor>& inputs) {
  if (!GradMode::is_enabled()) return false;
  for (const Tensor& t : inputs)
    if (t.defined() && t.requires_grad()) return true;
  return false;
}

Tensor record(const char* name, Tensor output, std::vector<Tensor> inputs, BackwardFn backward) {
  if (!needs_graph(inputs)) return output;
  auto node = std::make_shared<Node>();
  node->name = name;
  node->inputs = std::move(inputs);
  node->backward = std::move(backward);
  output.impl()->requires_grad = true;
  output.impl()->grad_fn = std::move(node);
  return output;
}

Tensor sum_to_shape(const Tensor& grad, const Shape& shape) {
  if (grad.shape() == shape) return grad;
  const int64_t lead = grad.dim() - static_cast<int64_t>(shape.size());
  if (lead < 0) throw std::logic_error("sum_to_shape: gradient has fewer dims than target");
  std::vector<int64_t> dims;
  for (int64_t d = 0; d < grad.dim(); ++d) {
    if (d < lead) {
      dims.push_back(d);
    } else if (shape[d - lead] == 1 && grad.size(d) != 1) {
      dims.push_back(d);
    }
  }
  Tensor reduced = dims.empty() ? grad : sum(grad, dims, /*keepdim=*/true);
  return reduced.reshape(shape);
}

namespace {

// Post-order DFS over the graph, iterative so deep graphs (a BERT has
// thousands of nodes) cannot overflow the stack. Returns tensors with every
// consumer before its producers once reversed.
std::vector<TensorImpl*> topological_order(TensorImpl* root) {
  std::vector<TensorImpl*> order;
  std::unordered_set<TensorImpl*> visited;
  std::vector<std::pair<TensorImpl*, size_t>> stack{{root, 0}};
  visited.insert(root);
  while (!stack.empty()) {
    auto& [t, next_input] = stack.back();
    const Node* node = t->grad_fn.get();
    if (node && next_input < node->inputs.size()) {
      TensorImpl* input = node->inputs[next_input++].impl();
      if (input && input->requires_grad && visited.insert(input).second) stack.push_back({input, 0});
      continue;
    }
    order.push_back(t);
    stack.pop_back();
  }
  return order;
}

// True when nothing but `g` itself refers to its memory, and that memory is
// exactly g's packed elements: no other handle, no view, no larger buffer.
bool sole_owner_of_packed_memory(const Tensor& g) {
  return g.impl_ptr().use_count() == 1 && g.storage().use_count() == 1 && g.is_contiguous() && g.offset() == 0 &&
         g.storage()->nbytes() == static_cast<size_t>(g.numel()) * dtype_size(g.dtype());
}

// Leaves keep their gradient across backward calls (accumulation, as in
// PyTorch). Later accumulation adds in place, so the first gradient must not
// be a tensor that anyone else still holds: the caller's seed, a view, or a
// tensor a backward closure handed to two inputs is copied. A gradient this
// pass owns alone (usually a fresh kernel output) is kept without a copy.
void accumulate_leaf_grad(TensorImpl* leaf, Tensor g) {
  if (!leaf->grad.defined()) {
    leaf->grad = sole_owner_of_packed_memory(g) ? std::move(g) : g.clone();
  } else {
    backend_for(g.device()).binary(BinaryOp::Add, leaf->grad, g, leaf->grad);
  }
}

}  // namespace

void run_backward(const Tensor& root, const Tensor& grad_root, bool retain_graph) {
  if (!root.requires_grad())
    throw std::runtime_error("backward: tensor does not require grad and has no grad_fn");
  Tensor seed = grad_root;
  if (!seed.defined()) {
    if (root.numel() != 1)
      throw std::runtime_error("backward: implicit gradient only for single-element tensors, got shape " +
                               shape_str(root.shape()));
    seed = Tensor::ones(root.shape(), root.dtype(), root.device());
  } else if (seed.shape() != root.shape()) {
    throw std::runtime_error("backward: gradient shape " + shape_str(seed.shape()) +
                             " does not match tensor shape " + shape_str(root.shape()));
  }

  NoGradGuard no_grad;  // gradients are plain tensors, not graph nodes
  std::vector<TensorImpl*> order = topological_order(root.impl());
  std::unordered_map<TensorImpl*, Tensor> grads;
  grads[root.impl()] = seed;

  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    TensorImpl* t = *it;
    auto found = grads.find(t);
    if (found == grads.end()) continue;  // no path from the root reached it
    Tensor g = std::move(found->second);
    grads.erase(found);

    Node* node = t->grad_fn.get();
    if (!node) {
      accumulate_leaf_grad(t, std::move(g));
      continue;
    }
    if (node->released)
      throw std::runtime_error(std::string("backward through ") + node->name +
                               " a second time: its saved tensors were freed; pass retain_graph=true "
                               "to the first backward");
    std::vector<Tensor> input_grads = node->backward(g);
    if (input_grads.size() != node->inputs.size())
      throw std::logic_error(std::string(node->name) + ": backward returned the wrong number of gradients");
    for (size_t i = 0; i < input_grads.size(); ++i) {
      TensorImpl* input = node->inputs[i].impl();
      const Tensor& gi = input_grads[i];
      if (!input || !input->requires_grad || !gi.defined()) continue;
      if (gi.shape() != input->shape)
        throw std::logic_error(std::string(node->name) + ": gradient shape " + shape_str(gi.shape()) +
                               " != input shape " + shape_str(input->shape));
      auto slot = grads.find(input);
      if (slot == grads.end()) {
        grads.emplace(input, gi);
      } else {
        slot->second = add(slot->second, gi);
      }
    }
  }

  if (!retain_graph) {
    // Free what the closures saved; keep the structure so that a second
    // backward reports a clear error instead of silently treating the
    // intermediate tensors as leaves.
    for (TensorImpl* t : order) {
      if (Node* node = t->grad_fn.get()) {
        node->backward = nullptr;
        node->inputs.clear();
        node->released = true;
      }
    }
  }
}

}  // namespace nlammr
