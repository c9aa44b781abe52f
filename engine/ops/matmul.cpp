// Matrix products on top of the backend's batched GEMM.
#include "engine/ops/op_support.h"

namespace nlammr {

using detail::backend_of;

namespace {

// A matrix operand [batch..., rows, cols] as the GEMM wants it: a packed
// buffer, read either as stored or transposed. A transposed view of a packed
// tensor (x.transpose(-1, -2)) needs no copy: it is the packed buffer read
// with trans = true.
struct GemmOperand {
  Tensor buffer;
  bool transposed = false;
};

GemmOperand as_operand(const Tensor& x) {
  if (x.is_contiguous()) return {x.detach(), false};
  Tensor t = x.detach().transpose(-1, -2);
  if (t.is_contiguous()) return {t, true};
  return {x.detach().contiguous(), false};
}

// out[b] = a[b] · bm[b] for 3-D a [B, m, k] and bm [B or 1, k, n].
Tensor batched_product(const Tensor& a, const Tensor& bm, bool b_shared) {
  const int64_t batch = a.size(0), m = a.size(1), k = a.size(2), n = bm.size(2);
  GemmOperand A = as_operand(a), B = as_operand(bm);
  Tensor out = Tensor::empty({batch, m, n}, a.dtype(), a.device());
  GemmDesc d;
  d.batch = batch, d.m = m, d.n = n, d.k = k;
  d.trans_a = A.transposed, d.trans_b = B.transposed;
  d.stride_a = m * k, d.stride_b = b_shared ? 0 : k * n, d.stride_c = m * n;
  if (out.numel() > 0) backend_of(a).gemm(d, A.buffer, B.buffer, out);
  return out;
}

}  // namespace

Tensor matmul(const Tensor& a_in, const Tensor& b_in) {
  detail::check_float(a_in, "matmul", "left operand");
  detail::check_float(b_in, "matmul", "right operand");
  detail::check_same(a_in, b_in, "matmul");
  if (a_in.dim() == 0 || b_in.dim() == 0) throw std::runtime_error("matmul: operands must not be scalars");
  // 1-D operands are promoted to matrices and the extra dim removed after.
  if (a_in.dim() == 1) return matmul(a_in.unsqueeze(0), b_in).squeeze(-2);
  if (b_in.dim() == 1) return matmul(a_in, b_in.unsqueeze(-1)).squeeze(-1);

  const int64_t m = a_in.size(-2), k = a_in.size(-1), n = b_in.size(-1);
  if (b_in.size(-2) != k)
    throw std::runtime_error("matmul: shapes " + shape_str(a_in.shape()) + " and " + shape_str(b_in.shape()) +
                             " do not align (" + std::to_string(k) + " vs " + std::to_string(b_in.size(-2)) + ")");
  const Shape batch_a(a_in.shape().begin(), a_in.shape().end() - 2);
  const Shape batch_b(b_in.shape().begin(), b_in.shape().end() - 2);
  const Shape batch = broadcast_shapes(batch_a, batch_b);
  const int64_t nbatch = shape_numel(batch);
  Shape out_shape = batch;
  out_shape.push_back(m);
  out_shape.push_back(n);

  Tensor out;
  if (shape_numel(batch_b) == 1) {
    // One matrix b for every batch entry of a (a weight): fold a's batch into
    // its rows and run a single large GEMM, the fastest shape there is.
    Shape sa = batch;
    sa.push_back(m), sa.push_back(k);
    Tensor a3 = a_in.dim() == 2 ? a_in.detach().unsqueeze(0)
                                : detail::broadcast_view(a_in, sa).reshape({1, nbatch * m, k});
    // unsqueeze keeps a transposed weight view a view (read with trans_b).
    Tensor b3 = b_in.dim() == 2 ? b_in.detach().unsqueeze(0) : b_in.detach().reshape({1, k, n});
    out = batched_product(a3, b3, true).reshape(out_shape);
  } else {
    Shape sa = batch, sb = batch;
    sa.push_back(m), sa.push_back(k);
    sb.push_back(k), sb.push_back(n);
    Tensor a3 = detail::broadcast_view(a_in, sa).reshape({nbatch, m, k});
    Tensor b3 = detail::broadcast_view(b_in, sb).reshape({nbatch, k, n});
    out = batched_product(a3, b3, false).reshape(out_shape);
  }
  out = out.detach();
  Tensor ad = a_in.detach(), bd = b_in.detach();
  const bool ga = a_in.requires_grad(), gb = b_in.requires_grad();
  // dA = dC · Bᵀ, dB = Aᵀ · dC, summed over broadcast batch dims.
  return record("MatmulBackward", out, {a_in, b_in}, [ad, bd, ga, gb](const Tensor& g) -> std::vector<Tensor> {
    return {ga ? sum_to_shape(matmul(g, bd.transpose(-1, -2)), ad.shape()) : Tensor(),
            gb ? sum_to_shape(matmul(ad.transpose(-1, -2), g), bd.shape()) : Tensor()};
  });
}

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  detail::check_float(x, "linear", "input");
  detail::check_float(weight, "linear", "weight");
  detail::check_same(x, weight, "linear");
  if (weight.dim() != 2 || x.dim() == 0 || x.size(-1) != weight.size(1))
    throw std::runtime_error("linear: input " + shape_str(x.shape()) + " does not fit weight " +
                             shape_str(weight.shape()) + " ([out, in])");
  const int64_t in = weight.size(1), out_features = weight.size(0);
  if (bias.defined()) {
    detail::check_same(x, bias, "linear");
    detail::check_shape(bias, {out_features}, "linear", "bias");
  }
  const int64_t rows = x.numel() / std::max<int64_t>(in, 1);
  Tensor x2 = x.detach().reshape({rows, in}).contiguous();
  Tensor out = Tensor::empty({rows, out_features}, x.dtype(), x.device());
  // out = x · Wᵀ (+ bias): the bias is broadcast into `out` first and the
  // GEMM accumulates onto it (beta = 1), saving a separate pass.
  GemmDesc d;
  d.m = rows, d.n = out_features, d.k = in, d.trans_b = true;
  if (bias.defined()) {
    backend_of(x).copy(detail::broadcast_view(bias, {rows, out_features}), out);
    d.beta = 1.0;
  }
  if (out.numel() > 0) backend_of(x).gemm(d, x2, weight.detach().contiguous(), out);
  Shape out_shape = x.shape();
  out_shape.back() = out_features;
  Tensor result = out.reshape(out_shape);

  Tensor wd = weight.detach();
  const bool gx = x.requires_grad(), gw = weight.requires_grad();
  const bool gb = bias.defined() && bias.requires_grad();
  return record("LinearBackward", result, {x, weight, bias},
                [x2, wd, gx, gw, gb, rows, in_shape = x.shape()](const Tensor& g) -> std::vector<Tensor> {
                  Tensor g2 = g.reshape({rows, g.size(-1)});
                  return {gx ? matmul(g2, wd).reshape(in_shape) : Tensor(),
                          gw ? matmul(g2.transpose(0, 1), x2) : Tensor(),
                          gb ? sum(g2, {0}) : Tensor()};
                });
}

}  // namespace nlammr
