#include "dist/gradient_sync.h"

#include <cstring>
#include <stdexcept>

#include "engine/autograd.h"
#include "engine/ops.h"

namespace nlammr::dist {

namespace {

// Host path: gradients of one dtype packed into one buffer, followed by
// how many ranks hold each (one exchange per step), summed, unpacked.
template <typename T>
void sum_on_host(Communicator& comm, const std::vector<Tensor>& params) {
  std::vector<T> flat;
  for (const Tensor& p : params) {
    const Tensor g = p.grad();
    if (g.defined()) {
      const std::vector<T> values = g.to(Device::cpu()).contiguous().to_vector<T>();
      flat.insert(flat.end(), values.begin(), values.end());
    } else {
      flat.resize(flat.size() + static_cast<size_t>(p.numel()), T(0));
    }
  }
  const size_t values = flat.size();
  for (const Tensor& p : params) flat.push_back(p.grad().defined() ? T(1) : T(0));
  comm.allreduce_sum(flat.data(), flat.size());
  size_t at = 0;
  for (size_t i = 0; i < params.size(); ++i) {
    const Tensor& p = params[i];
    const size_t n = static_cast<size_t>(p.numel());
    // No rank has it: undefined, as in one process.
    if (flat[values + i] > T(0)) {
      // A fresh tensor: a gradient the backward produced may share storage
      // with another parameter's (an add passes one gradient to both inputs).
      std::vector<T> sums(flat.begin() + static_cast<int64_t>(at), flat.begin() + static_cast<int64_t>(at + n));
      p.set_grad(Tensor::from_vector(sums, p.shape()).to(p.device()));
    }
    at += n;
  }
}

// GPU path: gradients packed on the device, summed by the device reducer.
void sum_on_device(DeviceReducer& reducer, const std::vector<Tensor>& params, const std::vector<double>& present) {
  NoGradGuard no_grad;
  std::vector<Tensor> parts;
  for (const Tensor& p : params) {
    const Tensor g = p.grad();
    parts.push_back(reshape(g.defined() ? g.detach() : Tensor::zeros(p.shape(), p.dtype(), p.device()), {-1}));
  }
  Tensor flat = concat(parts, 0).contiguous();
  reducer.allreduce_sum(flat.raw_data(), static_cast<size_t>(flat.numel()), flat.dtype() == DType::Float64);
  int64_t at = 0;
  for (size_t i = 0; i < params.size(); ++i) {
    const int64_t n = params[i].numel();
    if (present[i] > 0) params[i].set_grad(flat.slice(0, at, at + n).reshape(params[i].shape()).clone());
    at += n;
  }
}

}  // namespace

GradientSync::GradientSync(Communicator& comm, std::vector<Tensor> params, std::shared_ptr<DeviceReducer> reducer)
    : comm_(comm), params_(std::move(params)), device_reducer_(std::move(reducer)) {
  for (const Tensor& p : params_)
    if (p.dtype() != DType::Float32 && p.dtype() != DType::Float64)
      throw std::runtime_error("GradientSync: parameters must be float32 or float64, got " + p.str());
}

int64_t GradientSync::values_per_step() const {
  int64_t n = static_cast<int64_t>(params_.size());  // the presence counts
  for (const Tensor& p : params_) n += p.numel();
  return n;
}

void GradientSync::sum_over_ranks() {
  if (comm_.size() == 1) return;
  // One exchange per (dtype, place): a fine-tuned float32 language model can
  // sit beside a float64 model.
  for (DType dtype : {DType::Float32, DType::Float64}) {
    for (bool on_gpu : {false, true}) {
      std::vector<Tensor> group;
      for (const Tensor& p : params_)
        if (p.dtype() == dtype && p.device().is_cuda() == on_gpu) group.push_back(p);
      if (group.empty()) continue;
      if (on_gpu && device_reducer_) {
        // Which gradients exist, through the host (a few values).
        std::vector<double> present;
        for (const Tensor& p : group) present.push_back(p.grad().defined() ? 1.0 : 0.0);
        comm_.allreduce_sum(present.data(), present.size());
        sum_on_device(*device_reducer_, group, present);
      } else if (dtype == DType::Float32) {
        sum_on_host<float>(comm_, group);
      } else {
        sum_on_host<double>(comm_, group);
      }
    }
  }
}

}  // namespace nlammr::dist
