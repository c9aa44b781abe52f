// Elementwise ops with broadcasting, and their gradients.
#include "engine/ops/op_support.h"

namespace nlammr {

using detail::backend_of;

Shape broadcast_shapes(const Shape& a, const Shape& b) {
  const size_t n = std::max(a.size(), b.size());
  Shape out(n);
  for (size_t i = 0; i < n; ++i) {
    const int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    const int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    if (da != db && da != 1 && db != 1)
      throw std::runtime_error("shapes " + shape_str(a) + " and " + shape_str(b) + " cannot be broadcast");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

namespace detail {

Tensor broadcast_view(const Tensor& t, const Shape& shape) {
  if (t.shape() == shape) return t.detach();
  const size_t lead = shape.size() - t.shape().size();
  Shape strides(shape.size(), 0);
  for (size_t i = 0; i < t.shape().size(); ++i) {
    if (t.shape()[i] == shape[lead + i]) {
      strides[lead + i] = t.strides()[i];
    } else if (t.shape()[i] != 1) {
      throw std::runtime_error("cannot broadcast " + shape_str(t.shape()) + " to " + shape_str(shape));
    }
  }
  return Tensor::from_storage(t.storage(), shape, t.dtype(), strides, t.offset());
}

Tensor packed_mask(const Tensor& mask, const Shape& shape, const char* op) {
  check_defined(mask, op, "mask");
  Tensor view = broadcast_view(mask, broadcast_shapes(mask.shape(), shape));
  if (view.shape() != shape)
    throw std::runtime_error(std::string(op) + ": mask of shape " + shape_str(mask.shape()) +
                             " does not broadcast to " + shape_str(shape));
  if (view.dtype() == DType::UInt8 && view.is_contiguous()) return view;
  Tensor out = Tensor::empty(shape, DType::UInt8, mask.device());
  backend_of(mask).copy(view, out);
  return out;
}

}  // namespace detail

namespace {

Tensor binary_forward(BinaryOp op, const Tensor& a, const Tensor& b) {
  detail::check_float(a, binary_op_name(op), "left operand");
  detail::check_float(b, binary_op_name(op), "right operand");
  detail::check_same(a, b, binary_op_name(op));
  const Shape shape = broadcast_shapes(a.shape(), b.shape());
  Tensor out = Tensor::empty(shape, a.dtype(), a.device());
  if (out.numel() > 0)
    backend_of(a).binary(op, detail::broadcast_view(a, shape), detail::broadcast_view(b, shape), out);
  return out;
}

Tensor unary_forward(UnaryOp op, const Tensor& x, double alpha) {
  detail::check_float(x, unary_op_name(op), "input");
  Tensor y = Tensor::empty(x.shape(), x.dtype(), x.device());
  if (y.numel() > 0) backend_of(x).unary(op, x, y, alpha);
  return y;
}

// f(x) with the gradient gx = gy * f'(x) from the unary_backward kernel.
Tensor unary_op(UnaryOp op, const char* name, const Tensor& x, double alpha = 0.0) {
  Tensor y = unary_forward(op, x, alpha);
  Tensor xs = x.detach().contiguous(), ys = y.detach();
  return record(name, y, {x}, [op, alpha, xs, ys](const Tensor& g) -> std::vector<Tensor> {
    Tensor gx = Tensor::empty(xs.shape(), xs.dtype(), xs.device());
    if (gx.numel() > 0) backend_of(xs).unary_backward(op, xs, ys, g.contiguous(), gx, alpha);
    return {gx};
  });
}

}  // namespace

Tensor add(const Tensor& a, const Tensor& b) {
  Tensor out = binary_forward(BinaryOp::Add, a, b);
  return record("AddBackward", out, {a, b}, [sa = a.shape(), sb = b.shape()](const Tensor& g) -> std::vector<Tensor> {
    return {sum_to_shape(g, sa), sum_to_shape(g, sb)};
  });
}

Tensor sub(const Tensor& a, const Tensor& b) {
  Tensor out = binary_forward(BinaryOp::Sub, a, b);
  return record("SubBackward", out, {a, b}, [sa = a.shape(), sb = b.shape()](const Tensor& g) -> std::vector<Tensor> {
    return {sum_to_shape(g, sa), sum_to_shape(neg(g), sb)};
  });
}

Tensor mul(const Tensor& a, const Tensor& b) {
  Tensor out = binary_forward(BinaryOp::Mul, a, b);
  Tensor ad = a.detach(), bd = b.detach();
  const bool ga = a.requires_grad(), gb = b.requires_grad();
  return record("MulBackward", out, {a, b}, [ad, bd, ga, gb](const Tensor& g) -> std::vector<Tensor> {
    return {ga ? sum_to_shape(g * bd, ad.shape()) : Tensor(), gb ? sum_to_shape(g * ad, bd.shape()) : Tensor()};
  });
}

Tensor div(const Tensor& a, const Tensor& b) {
  Tensor out = binary_forward(BinaryOp::Div, a, b);
  Tensor bd = b.detach(), od = out.detach();
  const Shape sa = a.shape();
  const bool ga = a.requires_grad(), gb = b.requires_grad();
  // d(a/b)/da = 1/b;  d(a/b)/db = -a/b^2 = -out/b
  return record("DivBackward", out, {a, b}, [bd, od, sa, ga, gb](const Tensor& g) -> std::vector<Tensor> {
    Tensor g_over_b = g / bd;
    return {ga ? sum_to_shape(g_over_b, sa) : Tensor(),
            gb ? sum_to_shape(neg(g_over_b * od), bd.shape()) : Tensor()};
  });
}

Tensor pow(const Tensor& a, const Tensor& b) {
  Tensor out = binary_forward(BinaryOp::Pow, a, b);
  Tensor ad = a.detach(), bd = b.detach(), od = out.detach();
  const bool ga = a.requires_grad(), gb = b.requires_grad();
  // d(a^b)/da = b a^(b-1);  d(a^b)/db = a^b log(a)
  return record("PowBackward", out, {a, b}, [ad, bd, od, ga, gb](const Tensor& g) -> std::vector<Tensor> {
    return {ga ? sum_to_shape(g * bd * pow(ad, bd - 1.0), ad.shape()) : Tensor(),
            gb ? sum_to_shape(g * od * log(ad), bd.shape()) : Tensor()};
  });
}

namespace {
// maximum/minimum route the gradient through a 0/1 mask of the winning side.
Tensor select_grad(BinaryOp op, const char* name, const Tensor& a, const Tensor& b, bool a_wins_on_ge) {
  Tensor out = binary_forward(op, a, b);
  Tensor ad = a.detach(), bd = b.detach();
  return record(name, out, {a, b}, [ad, bd, a_wins_on_ge](const Tensor& g) -> std::vector<Tensor> {
    // a wins where a >= b (maximum) or b >= a (minimum); ties go to a.
    Tensor a_wins = a_wins_on_ge ? binary_forward(BinaryOp::GreaterEqual, ad, bd)
                                 : binary_forward(BinaryOp::GreaterEqual, bd, ad);
    Tensor ga = g * a_wins;
    return {sum_to_shape(ga, ad.shape()), sum_to_shape(g - ga, bd.shape())};
  });
}
}  // namespace

Tensor maximum(const Tensor& a, const Tensor& b) {
  return select_grad(BinaryOp::Maximum, "MaximumBackward", a, b, true);
}
Tensor minimum(const Tensor& a, const Tensor& b) {
  return select_grad(BinaryOp::Minimum, "MinimumBackward", a, b, false);
}

Tensor add(const Tensor& a, double b) { return unary_op(UnaryOp::AddScalar, "AddScalarBackward", a, b); }
Tensor mul(const Tensor& a, double b) { return unary_op(UnaryOp::Scale, "MulScalarBackward", a, b); }
Tensor pow(const Tensor& a, double exponent) {
  return unary_op(UnaryOp::PowScalar, "PowScalarBackward", a, exponent);
}
Tensor neg(const Tensor& x) { return unary_op(UnaryOp::Neg, "NegBackward", x); }
Tensor exp(const Tensor& x) { return unary_op(UnaryOp::Exp, "ExpBackward", x); }
Tensor log(const Tensor& x) { return unary_op(UnaryOp::Log, "LogBackward", x); }
Tensor sqrt(const Tensor& x) { return unary_op(UnaryOp::Sqrt, "SqrtBackward", x); }
Tensor abs(const Tensor& x) { return unary_op(UnaryOp::Abs, "AbsBackward", x); }
Tensor relu(const Tensor& x) { return unary_op(UnaryOp::Relu, "ReluBackward", x); }
Tensor gelu(const Tensor& x, GeluApprox approx) {
  return approx == GeluApprox::Erf ? unary_op(UnaryOp::GeluErf, "GeluBackward", x)
                                   : unary_op(UnaryOp::GeluTanh, "GeluTanhBackward", x);
}
Tensor tanh(const Tensor& x) { return unary_op(UnaryOp::Tanh, "TanhBackward", x); }
Tensor sigmoid(const Tensor& x) { return unary_op(UnaryOp::Sigmoid, "SigmoidBackward", x); }

}  // namespace nlammr
