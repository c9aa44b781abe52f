// Neural-network ops: softmax, normalisation, dropout, attention.
#include <cmath>

#include "engine/ops/op_support.h"
#include "engine/random.h"

namespace nlammr {

using detail::backend_of;

namespace {

// Softmax kernels work on the last dimension; any other is moved there.
Tensor softmax_impl(const Tensor& x, int64_t dim_in, const Tensor& mask, bool log) {
  const char* name = log ? "log_softmax" : "softmax";
  detail::check_float(x, name, "input");
  const int64_t dim = normalize_dim(dim_in, x.dim(), name);
  if (dim != x.dim() - 1) {
    Tensor moved_mask = mask.defined() ? detail::broadcast_view(mask, broadcast_shapes(mask.shape(), x.shape()))
                                             .transpose(dim, -1)
                                       : Tensor();
    return softmax_impl(x.transpose(dim, -1), -1, moved_mask, log).transpose(dim, -1);
  }
  Tensor xs = x.detach().contiguous();
  Tensor m = mask.defined() ? detail::packed_mask(mask, x.shape(), name) : Tensor();
  Tensor y = Tensor::empty(x.shape(), x.dtype(), x.device());
  if (y.numel() > 0) backend_of(x).softmax_forward(xs, m, y, log);
  Tensor yd = y.detach();
  return record(log ? "LogSoftmaxBackward" : "SoftmaxBackward", y, {x},
                [yd, m, log](const Tensor& g) -> std::vector<Tensor> {
                  Tensor gx = Tensor::empty(yd.shape(), yd.dtype(), yd.device());
                  if (gx.numel() > 0) backend_of(yd).softmax_backward(yd, g.contiguous(), m, gx, log);
                  return {gx};
                });
}

}  // namespace

Tensor softmax(const Tensor& x, int64_t dim, const Tensor& mask) { return softmax_impl(x, dim, mask, false); }
Tensor log_softmax(const Tensor& x, int64_t dim, const Tensor& mask) { return softmax_impl(x, dim, mask, true); }

Tensor layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, double eps) {
  detail::check_float(x, "layer_norm", "input");
  if (x.dim() == 0) throw std::runtime_error("layer_norm: input must have at least one dimension");
  const int64_t n = x.size(-1);
  for (const Tensor* p : {&weight, &bias}) {
    if (!p->defined()) continue;
    detail::check_same(x, *p, "layer_norm");
    detail::check_shape(*p, {n}, "layer_norm", p == &weight ? "weight" : "bias");
  }
  Tensor xs = x.detach().contiguous();
  Shape stat_shape(x.shape().begin(), x.shape().end() - 1);
  Tensor y = Tensor::empty(x.shape(), x.dtype(), x.device());
  Tensor mean = Tensor::empty(stat_shape, x.dtype(), x.device());
  Tensor rstd = Tensor::empty(stat_shape, x.dtype(), x.device());
  Tensor w = weight.defined() ? weight.detach().contiguous() : Tensor();
  Tensor b = bias.defined() ? bias.detach().contiguous() : Tensor();
  if (y.numel() > 0) backend_of(x).layernorm_forward(xs, w, b, eps, y, mean, rstd);
  const bool gw = weight.defined() && weight.requires_grad();
  const bool gb = bias.defined() && bias.requires_grad();
  return record("LayerNormBackward", y, {x, weight, bias},
                [xs, w, mean, rstd, gw, gb, n](const Tensor& g) -> std::vector<Tensor> {
                  Tensor gx = Tensor::empty(xs.shape(), xs.dtype(), xs.device());
                  Tensor gweight = gw ? Tensor::empty({n}, xs.dtype(), xs.device()) : Tensor();
                  Tensor gbias = gb ? Tensor::empty({n}, xs.dtype(), xs.device()) : Tensor();
                  if (gx.numel() > 0)
                    backend_of(xs).layernorm_backward(xs, w, mean, rstd, g.contiguous(), gx, gweight, gbias);
                  return {gx, gweight, gbias};
                });
}

namespace {

// New running statistics from a training batch's mean and biased variance
// (PyTorch's update: the variance enters unbiased), in place, outside the graph.
void update_running_stats(const Tensor& running_mean, const Tensor& running_var, const Tensor& batch_mean,
                          const Tensor& batch_var, int64_t rows, double momentum) {
  if (!running_mean.defined()) return;
  NoGradGuard no_grad;
  const double unbias = static_cast<double>(rows) / static_cast<double>(rows - 1);
  Tensor new_mean = running_mean * (1.0 - momentum) + batch_mean.reshape(running_mean.shape()) * momentum;
  Tensor new_var = running_var * (1.0 - momentum) + batch_var.reshape(running_var.shape()) * (momentum * unbias);
  backend_of(running_mean).copy(new_mean, running_mean);
  backend_of(running_var).copy(new_var, running_var);
}

// Composed from elementwise ops and reductions, for backends without fused
// batch-norm kernels.
Tensor batch_norm_composed(const Tensor& x, const Tensor& running_mean, const Tensor& running_var,
                           const Tensor& weight, const Tensor& bias, bool training, double momentum, double eps) {
  const int64_t rows = x.size(0);
  Tensor centered, inv_std;
  if (training) {
    Tensor mu = mean(x, {0}, true);
    centered = x - mu;
    Tensor var = mean(centered * centered, {0}, true);
    inv_std = pow(var + eps, -0.5);
    update_running_stats(running_mean, running_var, mu.detach(), var.detach(), rows, momentum);
  } else {
    centered = x - running_mean.detach();
    inv_std = pow(running_var.detach() + eps, -0.5);
  }
  Tensor y = centered * inv_std;
  if (weight.defined()) y = y * weight;
  if (bias.defined()) y = y + bias;
  return y;
}

}  // namespace

// One graph node over the backend's fused kernels where it has them: the
// backward keeps only x and the per-column mean and rstd.
Tensor batch_norm(const Tensor& x, const Tensor& running_mean, const Tensor& running_var, const Tensor& weight,
                  const Tensor& bias, bool training, double momentum, double eps) {
  detail::check_float(x, "batch_norm", "input");
  if (x.dim() != 2) throw std::runtime_error("batch_norm: input must be [N, C], got " + shape_str(x.shape()));
  const int64_t rows = x.size(0), cols = x.size(1);
  if (training && rows < 2)
    throw std::runtime_error("batch_norm: training needs more than one row per batch to estimate a variance");
  if (!training && !running_mean.defined())
    throw std::runtime_error("batch_norm: evaluation mode needs running statistics");
  for (const Tensor* p : {&weight, &bias, &running_mean, &running_var}) {
    if (!p->defined()) continue;
    detail::check_same(x, *p, "batch_norm");
    detail::check_shape(*p, {cols}, "batch_norm", "weight, bias and running statistics");
  }
  Backend& backend = backend_of(x);
  if (!backend.fuses_batch_norm())
    return batch_norm_composed(x, running_mean, running_var, weight, bias, training, momentum, eps);

  Tensor xs = x.detach().contiguous();
  Tensor mu, rstd;
  {
    NoGradGuard no_grad;  // statistics are computed outside the graph; the backward accounts for them
    if (training) {
      mu = Tensor::empty({cols}, x.dtype(), x.device());
      Tensor var = Tensor::empty({cols}, x.dtype(), x.device());
      if (rows > 0) backend.batchnorm_stats(xs, mu, var);
      update_running_stats(running_mean, running_var, mu, var, rows, momentum);
      rstd = pow(var + eps, -0.5);
    } else {
      mu = running_mean.detach().contiguous();
      rstd = pow(running_var.detach() + eps, -0.5);
    }
  }
  Tensor w = weight.defined() ? weight.detach().contiguous() : Tensor();
  Tensor b = bias.defined() ? bias.detach().contiguous() : Tensor();
  Tensor y = Tensor::empty(x.shape(), x.dtype(), x.device());
  backend.batchnorm_apply(xs, mu, rstd, w, b, y);
  const bool gw = weight.defined() && weight.requires_grad();
  const bool gb = bias.defined() && bias.requires_grad();
  return record("BatchNormBackward", y, {x, weight, bias},
                [xs, mu, rstd, w, gw, gb, training, cols](const Tensor& g) -> std::vector<Tensor> {
                  Tensor gx = Tensor::empty(xs.shape(), xs.dtype(), xs.device());
                  Tensor gweight = gw ? Tensor::empty({cols}, xs.dtype(), xs.device()) : Tensor();
                  Tensor gbias = gb ? Tensor::empty({cols}, xs.dtype(), xs.device()) : Tensor();
                  // Also with no rows: the parameter gradients are then sums of nothing, zeros.
                  backend_of(xs).batchnorm_backward(xs, mu, rstd, w, g.contiguous(), training, gx, gweight, gbias);
                  return {gx, gweight, gbias};
                });
}

Tensor dropout(const Tensor& x, double p, bool training, Generator& gen) {
  if (p < 0.0 || p > 1.0) throw std::runtime_error("dropout: p must lie in [0, 1], got " + std::to_string(p));
  if (!training || p == 0.0) return x;
  if (p == 1.0) return x * 0.0;
  detail::check_float(x, "dropout", "input");
  Tensor mask = Tensor::empty(x.shape(), x.dtype(), x.device());
  const uint64_t offset = gen.reserve_rows(static_cast<uint64_t>(x.numel()));
  if (mask.numel() > 0) backend_of(x).dropout_mask(mask, p, gen.seed(), offset);
  return x * mask;
}

Tensor scaled_dot_product_attention(const Tensor& q, const Tensor& k, const Tensor& v,
                                    const Tensor& key_padding_mask, double scale) {
  const char* op = "attention";
  for (const Tensor* t : {&q, &k, &v}) {
    detail::check_float(*t, op, "q/k/v");
    detail::check_same(q, *t, op);
    if (t->dim() != 4) throw std::runtime_error("attention: q, k, v must be [B, H, S, D], got " + shape_str(t->shape()));
  }
  const int64_t B = q.size(0), H = q.size(1), Sq = q.size(2), D = q.size(3), Sk = k.size(2);
  detail::check_shape(k, {B, H, Sk, D}, op, "k");
  detail::check_shape(v, {B, H, Sk, D}, op, "v");
  Tensor mask;
  if (key_padding_mask.defined()) {
    detail::check_shape(key_padding_mask, {B, Sk}, op, "key_padding_mask");
    mask = detail::packed_mask(key_padding_mask, {B, Sk}, op);
  }
  if (scale <= 0.0) scale = 1.0 / std::sqrt(static_cast<double>(D));
  Tensor qs = q.detach().contiguous(), ks = k.detach().contiguous(), vs = v.detach().contiguous();
  Tensor out = Tensor::empty({B, H, Sq, D}, q.dtype(), q.device());
  Tensor lse = Tensor::empty({B, H, Sq}, q.dtype(), q.device());
  if (out.numel() > 0) backend_of(q).attention_forward(qs, ks, vs, mask, scale, out, lse);
  Tensor od = out.detach();
  return record("AttentionBackward", out, {q, k, v},
                [qs, ks, vs, od, lse, mask, scale](const Tensor& g) -> std::vector<Tensor> {
                  Tensor gq = Tensor::empty(qs.shape(), qs.dtype(), qs.device());
                  Tensor gk = Tensor::empty(ks.shape(), ks.dtype(), ks.device());
                  Tensor gv = Tensor::empty(vs.shape(), vs.dtype(), vs.device());
                  if (gq.numel() > 0 || gk.numel() > 0)
                    backend_of(qs).attention_backward(qs, ks, vs, od, lse, g.contiguous(), mask, scale, gq, gk, gv);
                  return {gq, gk, gv};
                });
}

}  // namespace nlammr
