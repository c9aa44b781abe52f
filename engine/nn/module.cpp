#include "engine/nn/module.h"

#include <set>
#include <stdexcept>

#include "engine/autograd.h"
#include "engine/backend.h"

namespace nlammr::nn {

Tensor Module::register_parameter(const std::string& name, Tensor value) {
  if (!value.is_leaf()) value = value.detach();
  value.requires_grad_(true);
  params_.emplace_back(name, value);
  return value;
}

Tensor Module::register_buffer(const std::string& name, Tensor value) {
  buffers_.emplace_back(name, value);
  return value;
}

void Module::collect(const std::string& prefix, NamedTensors& params, NamedTensors& buffers) const {
  for (const auto& [name, t] : params_) params.emplace_back(prefix + name, t);
  for (const auto& [name, t] : buffers_) buffers.emplace_back(prefix + name, t);
  for (const auto& [name, child] : children_)
    if (child) child->collect(prefix + name + ".", params, buffers);
}

NamedTensors Module::named_parameters() const {
  NamedTensors params, buffers;
  collect("", params, buffers);
  return params;
}

NamedTensors Module::named_buffers() const {
  NamedTensors params, buffers;
  collect("", params, buffers);
  return buffers;
}

std::vector<Tensor> Module::parameters() const {
  std::vector<Tensor> out;
  for (auto& [name, t] : named_parameters()) out.push_back(t);
  return out;
}

int64_t Module::num_parameters() const {
  int64_t n = 0;
  for (auto& [name, t] : named_parameters()) n += t.numel();
  return n;
}

void Module::train(bool on) {
  training_ = on;
  for (auto& [name, child] : children_)
    if (child) child->train(on);
}

void Module::zero_grad() {
  for (auto& [name, t] : named_parameters()) t.zero_grad();
}

void Module::requires_grad_(bool on) {
  for (auto& [name, t] : named_parameters()) t.impl()->requires_grad = on;
}

std::map<std::string, Tensor> Module::state_dict() const {
  NamedTensors params, buffers;
  collect("", params, buffers);
  std::map<std::string, Tensor> out;
  for (auto& [name, t] : params) out[name] = t;
  for (auto& [name, t] : buffers) out[name] = t;
  return out;
}

void Module::load_state_dict(const std::map<std::string, Tensor>& state, bool strict) {
  std::map<std::string, Tensor> own = state_dict();
  std::string problems;
  std::set<std::string> used;
  for (auto& [name, dst] : own) {
    auto it = state.find(name);
    if (it == state.end()) {
      if (strict) problems += "\n  missing key: " + name;
      continue;
    }
    used.insert(name);
    const Tensor& src = it->second;
    if (src.shape() != dst.shape()) {
      problems += "\n  " + name + ": expected shape " + shape_str(dst.shape()) + ", got " + shape_str(src.shape());
      continue;
    }
    NoGradGuard no_grad;
    Tensor value = src.detach().to(dst.dtype()).to(dst.device());
    backend_for(dst.device()).copy(value, dst);
  }
  if (strict)
    for (auto& [name, t] : state)
      if (!used.count(name)) problems += "\n  unexpected key: " + name;
  if (!problems.empty()) throw std::runtime_error("load_state_dict:" + problems);
}

void Module::to(Device device) {
  for (auto& [name, t] : state_dict()) {
    if (t.device() == device) continue;
    Tensor moved = t.detach().to(device);
    TensorImpl* impl = t.impl();
    impl->storage = moved.storage();
    impl->strides = moved.strides();
    impl->offset = moved.offset();
    impl->grad = Tensor();
  }
}

}  // namespace nlammr::nn
