#include "engine/optim/optimizer.h"

#include <cmath>
#include <stdexcept>

#include "engine/autograd.h"
#include "engine/ops.h"

namespace nlammr::optim {

namespace {
std::string state_key(size_t group, size_t index, const char* name) {
  return std::to_string(group) + "." + std::to_string(index) + "." + name;
}

const Tensor& find_state(const std::map<std::string, Tensor>& state, const std::string& key) {
  auto it = state.find(key);
  if (it == state.end()) throw std::runtime_error("optimizer state: missing key '" + key + "'");
  return it->second;
}

// Copies a saved state tensor into the live one after checking its shape.
void restore(const Tensor& dst, const Tensor& src, const std::string& key) {
  if (src.shape() != dst.shape())
    throw std::runtime_error("optimizer state '" + key + "': expected shape " + shape_str(dst.shape()) + ", got " +
                             shape_str(src.shape()));
  backend_for(dst.device()).copy(src.to(dst.device()), dst);
}
}  // namespace

Optimizer::Optimizer(std::vector<ParamGroup> groups) : groups_(std::move(groups)) {
  for (const ParamGroup& g : groups_)
    for (const Tensor& p : g.params)
      if (!p.defined() || !p.is_leaf())
        throw std::runtime_error("optimizer: parameters must be defined leaf tensors");
}

void Optimizer::zero_grad() {
  for (ParamGroup& g : groups_)
    for (Tensor& p : g.params) p.zero_grad();
}

// ---- SGD -------------------------------------------------------------------

SGD::SGD(std::vector<ParamGroup> groups, double momentum, double dampening, bool nesterov)
    : Optimizer(std::move(groups)), momentum_(momentum), dampening_(dampening), nesterov_(nesterov) {
  for (const ParamGroup& g : groups_) {
    std::vector<Tensor> bufs;
    for (const Tensor& p : g.params)
      bufs.push_back(momentum_ != 0.0 ? Tensor::zeros(p.shape(), p.dtype(), p.device()) : Tensor());
    buffers_.push_back(bufs);
    started_.emplace_back(g.params.size(), false);
  }
}

void SGD::step() {
  NoGradGuard no_grad;
  for (size_t gi = 0; gi < groups_.size(); ++gi) {
    const ParamGroup& g = groups_[gi];
    for (size_t i = 0; i < g.params.size(); ++i) {
      const Tensor& p = g.params[i];
      if (!p.grad().defined()) continue;
      SgdStepDesc d;
      d.lr = g.lr, d.weight_decay = g.weight_decay, d.momentum = momentum_, d.dampening = dampening_;
      d.nesterov = nesterov_, d.first_step = !started_[gi][i];
      backend_for(p.device()).sgd_step(p, p.grad().contiguous(), buffers_[gi][i], d);
      started_[gi][i] = true;
    }
  }
}

std::map<std::string, Tensor> SGD::state() const {
  std::map<std::string, Tensor> out;
  for (size_t gi = 0; gi < groups_.size(); ++gi)
    for (size_t i = 0; i < groups_[gi].params.size(); ++i)
      if (buffers_[gi][i].defined() && started_[gi][i]) out[state_key(gi, i, "momentum")] = buffers_[gi][i];
  return out;
}

void SGD::load_state(const std::map<std::string, Tensor>& state) {
  for (size_t gi = 0; gi < groups_.size(); ++gi)
    for (size_t i = 0; i < groups_[gi].params.size(); ++i) {
      const std::string key = state_key(gi, i, "momentum");
      auto it = state.find(key);
      if (it == state.end() || !buffers_[gi][i].defined()) continue;
      restore(buffers_[gi][i], it->second, key);
      started_[gi][i] = true;
    }
}

// ---- Adam / AdamW ----------------------------------------------------------------

Adam::Adam(std::vector<ParamGroup> groups, double beta1, double beta2, double eps, bool decoupled)
    : Optimizer(std::move(groups)), beta1_(beta1), beta2_(beta2), eps_(eps), decoupled_(decoupled) {
  for (const ParamGroup& g : groups_) {
    std::vector<Tensor> m, v;
    for (const Tensor& p : g.params) {
      m.push_back(Tensor::zeros(p.shape(), p.dtype(), p.device()));
      v.push_back(Tensor::zeros(p.shape(), p.dtype(), p.device()));
    }
    m_.push_back(m);
    v_.push_back(v);
  }
}

void Adam::step() {
  NoGradGuard no_grad;
  ++step_;
  for (size_t gi = 0; gi < groups_.size(); ++gi) {
    const ParamGroup& g = groups_[gi];
    AdamStepDesc d;
    d.lr = g.lr, d.beta1 = beta1_, d.beta2 = beta2_, d.eps = eps_, d.weight_decay = g.weight_decay;
    d.step = step_, d.decoupled = decoupled_;
    for (size_t i = 0; i < g.params.size(); ++i) {
      const Tensor& p = g.params[i];
      if (!p.grad().defined()) continue;
      backend_for(p.device()).adam_step(p, p.grad().contiguous(), m_[gi][i], v_[gi][i], d);
    }
  }
}

std::map<std::string, Tensor> Adam::state() const {
  std::map<std::string, Tensor> out;
  for (size_t gi = 0; gi < groups_.size(); ++gi)
    for (size_t i = 0; i < groups_[gi].params.size(); ++i) {
      out[state_key(gi, i, "exp_avg")] = m_[gi][i];
      out[state_key(gi, i, "exp_avg_sq")] = v_[gi][i];
    }
  out["step"] = Tensor::from_vector<int64_t>({step_}, {});
  return out;
}

void Adam::load_state(const std::map<std::string, Tensor>& state) {
  for (size_t gi = 0; gi < groups_.size(); ++gi)
    for (size_t i = 0; i < groups_[gi].params.size(); ++i) {
      for (auto [name, dst] : {std::pair<const char*, Tensor>{"exp_avg", m_[gi][i]}, {"exp_avg_sq", v_[gi][i]}}) {
        const std::string key = state_key(gi, i, name);
        restore(dst, find_state(state, key), key);
      }
    }
  step_ = find_state(state, "step").to(DType::Int64).item<int64_t>();
}

// ---- clipping ----------------------------------------------------------------------

double clip_grad_norm(const std::vector<Tensor>& params, double max_norm) {
  NoGradGuard no_grad;
  double total_sq = 0.0;
  for (const Tensor& p : params) {
    if (!p.grad().defined()) continue;
    Tensor g = p.grad().to(DType::Float64);
    total_sq += sum(g * g).to(Device::cpu()).item<double>();
  }
  const double norm = std::sqrt(total_sq);
  const double scale = max_norm / (norm + 1e-6);
  if (scale < 1.0)
    for (const Tensor& p : params)
      if (p.grad().defined()) {
        Tensor g = p.grad();
        backend_for(g.device()).unary(UnaryOp::Scale, g, g, scale);
      }
  return norm;
}

}  // namespace nlammr::optim
