// Optimizers: SGD, Adam and AdamW, with parameter groups (each with its own
// learning rate and weight decay) and gradient-norm clipping.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/backend.h"
#include "engine/tensor.h"

namespace nlammr::optim {

struct ParamGroup {
  std::vector<Tensor> params;
  double lr = 1e-3;
  double weight_decay = 0.0;
};

class Optimizer {
 public:
  explicit Optimizer(std::vector<ParamGroup> groups);
  virtual ~Optimizer() = default;

  // Applies one update to every parameter that has a gradient.
  virtual void step() = 0;
  void zero_grad();
  std::vector<ParamGroup>& param_groups() { return groups_; }

  // Everything needed to resume: per-parameter state tensors keyed
  // "<group>.<index>.<name>" plus the step counter, for checkpoints.
  virtual std::map<std::string, Tensor> state() const = 0;
  virtual void load_state(const std::map<std::string, Tensor>& state) = 0;

 protected:
  std::vector<ParamGroup> groups_;
};

class SGD : public Optimizer {
 public:
  SGD(std::vector<ParamGroup> groups, double momentum = 0.0, double dampening = 0.0, bool nesterov = false);
  void step() override;
  std::map<std::string, Tensor> state() const override;
  void load_state(const std::map<std::string, Tensor>& state) override;

 private:
  double momentum_, dampening_;
  bool nesterov_;
  std::vector<std::vector<Tensor>> buffers_;
  std::vector<std::vector<bool>> started_;
};

// Adam with L2 weight decay folded into the gradient (torch.optim.Adam), or
// with decoupled weight decay when `decoupled` (AdamW, Loshchilov & Hutter).
class Adam : public Optimizer {
 public:
  Adam(std::vector<ParamGroup> groups, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
       bool decoupled = false);
  void step() override;
  std::map<std::string, Tensor> state() const override;
  void load_state(const std::map<std::string, Tensor>& state) override;
  int64_t steps() const { return step_; }

 private:
  double beta1_, beta2_, eps_;
  bool decoupled_;
  int64_t step_ = 0;
  std::vector<std::vector<Tensor>> m_, v_;
};

class AdamW : public Adam {
 public:
  AdamW(std::vector<ParamGroup> groups, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
      : Adam(std::move(groups), beta1, beta2, eps, /*decoupled=*/true) {}
};

// Scales all gradients so their global L2 norm is at most max_norm; returns
// the norm before clipping (torch.nn.utils.clip_grad_norm_).
double clip_grad_norm(const std::vector<Tensor>& params, double max_norm);

}  // namespace nlammr::optim
