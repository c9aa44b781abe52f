#include "engine/nn/layers.h"

#include <cmath>
#include <stdexcept>

namespace nlammr::nn {

Linear::Linear(int64_t in_features, int64_t out_features, Generator& gen, bool with_bias, DType dtype) {
  // kaiming_uniform_(a=sqrt(5)) reduces to U(-1/sqrt(in), 1/sqrt(in)).
  const double bound = in_features > 0 ? 1.0 / std::sqrt(static_cast<double>(in_features)) : 0.0;
  weight = register_parameter("weight", rand_uniform({out_features, in_features}, -bound, bound, gen, dtype));
  if (with_bias) bias = register_parameter("bias", rand_uniform({out_features}, -bound, bound, gen, dtype));
}

Linear::Linear(int64_t in_features, int64_t out_features, bool with_bias, DType dtype) {
  weight = register_parameter("weight", Tensor::zeros({out_features, in_features}, dtype));
  if (with_bias) bias = register_parameter("bias", Tensor::zeros({out_features}, dtype));
}

LayerNorm::LayerNorm(int64_t features, double eps, DType dtype) : eps(eps) {
  weight = register_parameter("weight", Tensor::ones({features}, dtype));
  bias = register_parameter("bias", Tensor::zeros({features}, dtype));
}

Embedding::Embedding(int64_t num, int64_t dim, Generator& gen, DType dtype) {
  weight = register_parameter("weight", randn({num, dim}, gen, dtype));
}

Embedding::Embedding(int64_t num, int64_t dim, DType dtype) {
  weight = register_parameter("weight", Tensor::zeros({num, dim}, dtype));
}

BatchNorm1d::BatchNorm1d(int64_t features, double eps, double momentum, DType dtype)
    : eps(eps), momentum(momentum) {
  weight = register_parameter("weight", Tensor::ones({features}, dtype));
  bias = register_parameter("bias", Tensor::zeros({features}, dtype));
  running_mean = register_buffer("running_mean", Tensor::zeros({features}, dtype));
  running_var = register_buffer("running_var", Tensor::ones({features}, dtype));
}

Tensor activate(const Tensor& x, Activation act) {
  switch (act) {
    case Activation::Relu: return relu(x);
    case Activation::Gelu: return gelu(x, GeluApprox::Erf);
    case Activation::GeluTanh: return gelu(x, GeluApprox::Tanh);
    case Activation::Tanh: return tanh(x);
  }
  return x;
}

MLP::MLP(const std::vector<int64_t>& sizes, Activation act, double dropout_p, Generator& gen,
         std::shared_ptr<Generator> dropout_gen, DType dtype)
    : act_(act) {
  if (sizes.size() < 2) throw std::runtime_error("MLP: needs at least input and output sizes");
  for (size_t i = 0; i + 1 < sizes.size(); ++i)
    layers_.push_back(register_module("layers." + std::to_string(i),
                                      std::make_shared<Linear>(sizes[i], sizes[i + 1], gen, true, dtype)));
  dropout_ = std::make_shared<Dropout>(dropout_p, std::move(dropout_gen));
  register_module("dropout", dropout_);
}

Tensor MLP::forward(const Tensor& x) const {
  Tensor h = x;
  for (size_t i = 0; i < layers_.size(); ++i) {
    h = layers_[i]->forward(h);
    if (i + 1 < layers_.size()) h = dropout_->forward(activate(h, act_));
  }
  return h;
}

}  // namespace nlammr::nn
