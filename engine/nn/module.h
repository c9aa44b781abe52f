// Modules: objects that own parameters (trainable tensors) and buffers
// (state such as running statistics), and compose into trees. Names follow
// PyTorch's dotted convention ("layers.0.weight"), so a PyTorch state dict
// and ours line up key by key.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/tensor.h"

namespace nlammr::nn {

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

class Module {
 public:
  Module() = default;
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  NamedTensors named_parameters() const;  // depth-first, registration order
  std::vector<Tensor> parameters() const;
  NamedTensors named_buffers() const;
  int64_t num_parameters() const;

  // Training mode switches dropout and batch norm; applies to children.
  void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }

  void zero_grad();
  void requires_grad_(bool on);  // freeze (false) or unfreeze every parameter

  // Parameters and buffers by name. load_state_dict copies values into the
  // existing tensors (so optimizers holding them stay valid) and reports
  // missing/unexpected keys and shape mismatches by name.
  std::map<std::string, Tensor> state_dict() const;
  void load_state_dict(const std::map<std::string, Tensor>& state, bool strict = true);

  // Moves every parameter and buffer to `device` in place (same tensor
  // handles, new storage). Call before creating an optimizer.
  void to(Device device);

 protected:
  Tensor register_parameter(const std::string& name, Tensor value);
  Tensor register_buffer(const std::string& name, Tensor value);
  template <typename M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> module) {
    children_.emplace_back(name, module);
    return module;
  }

 private:
  void collect(const std::string& prefix, NamedTensors& params, NamedTensors& buffers) const;

  NamedTensors params_;
  NamedTensors buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
};

// Evaluation mode (no dropout, batch-norm running statistics) for the
// guard's lifetime; the module's former mode is restored after, also when an
// exception leaves the scope.
class EvalModeGuard {
 public:
  explicit EvalModeGuard(Module& m) : m_(m), was_training_(m.is_training()) { m_.eval(); }
  ~EvalModeGuard() { m_.train(was_training_); }
  EvalModeGuard(const EvalModeGuard&) = delete;
  EvalModeGuard& operator=(const EvalModeGuard&) = delete;

 private:
  Module& m_;
  bool was_training_;
};

}  // namespace nlammr::nn
