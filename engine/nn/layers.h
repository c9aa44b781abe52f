// The standard layers. Initialisation follows PyTorch's defaults so that a
// model built here starts from the same distribution as its PyTorch twin.
#pragma once

#include <memory>
#include <vector>

#include "engine/nn/module.h"
#include "engine/ops.h"
#include "engine/random.h"

namespace nlammr::nn {

// y = x Wᵀ + b; W ~ U(-1/sqrt(in), 1/sqrt(in)), b likewise (PyTorch's default).
class Linear : public Module {
 public:
  Linear(int64_t in_features, int64_t out_features, Generator& gen, bool bias = true,
         DType dtype = DType::Float32);
  // Zero weights, for a layer whose values come from a checkpoint (no random
  // draws that would be overwritten anyway).
  Linear(int64_t in_features, int64_t out_features, bool bias, DType dtype);
  Tensor forward(const Tensor& x) const { return linear(x, weight, bias); }

  Tensor weight;  // [out, in]
  Tensor bias;    // [out] or undefined
};

class LayerNorm : public Module {
 public:
  explicit LayerNorm(int64_t features, double eps = 1e-5, DType dtype = DType::Float32);
  Tensor forward(const Tensor& x) const { return layer_norm(x, weight, bias, eps); }

  Tensor weight, bias;
  double eps;
};

// Lookup table [num, dim], initialised N(0, 1).
class Embedding : public Module {
 public:
  Embedding(int64_t num, int64_t dim, Generator& gen, DType dtype = DType::Float32);
  // A zero table, for one whose values come from a checkpoint.
  Embedding(int64_t num, int64_t dim, DType dtype);
  Tensor forward(const Tensor& ids) const { return embedding(weight, ids); }

  Tensor weight;
};

// Batch normalisation over [N, C] with running statistics (PyTorch's BatchNorm1d).
class BatchNorm1d : public Module {
 public:
  explicit BatchNorm1d(int64_t features, double eps = 1e-5, double momentum = 0.1, DType dtype = DType::Float32);
  Tensor forward(const Tensor& x) const {
    return batch_norm(x, running_mean, running_var, weight, bias, is_training(), momentum, eps);
  }

  Tensor weight, bias, running_mean, running_var;
  double eps, momentum;
};

// Draws its masks from a generator shared with the rest of the model, whose
// (seed, offset) state is what a checkpoint saves.
class Dropout : public Module {
 public:
  Dropout(double p, std::shared_ptr<Generator> gen) : p(p), gen_(std::move(gen)) {}
  Tensor forward(const Tensor& x) const { return dropout(x, p, is_training(), *gen_); }

  double p;

 private:
  std::shared_ptr<Generator> gen_;
};

enum class Activation { Relu, Gelu, GeluTanh, Tanh };
Tensor activate(const Tensor& x, Activation act);

// Linear layers with an activation (and dropout) between them, none after
// the last: sizes {in, h1, ..., out}. Parameters are named "layers.<i>.*".
class MLP : public Module {
 public:
  MLP(const std::vector<int64_t>& sizes, Activation act, double dropout_p, Generator& gen,
      std::shared_ptr<Generator> dropout_gen, DType dtype = DType::Float32);
  Tensor forward(const Tensor& x) const;

 private:
  std::vector<std::shared_ptr<Linear>> layers_;
  std::shared_ptr<Dropout> dropout_;
  Activation act_;
};

}  // namespace nlammr::nn
