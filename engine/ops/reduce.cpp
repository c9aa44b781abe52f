// Reductions: sum, mean, max, argmax.
#include <algorithm>

#include "engine/ops/op_support.h"

namespace nlammr {

using detail::backend_of;

namespace {

// Sorted, unique, non-negative dims.
std::vector<int64_t> normalize_dims(const std::vector<int64_t>& dims, int64_t ndim, const char* op) {
  std::vector<int64_t> out;
  for (int64_t d : dims) out.push_back(normalize_dim(d, ndim, op));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Reduces one dimension of a packed tensor: [outer, n, inner] -> [outer, inner].
Tensor reduce_dim(ReduceOp op, const Tensor& x, int64_t dim, Tensor* argmax) {
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < dim; ++d) outer *= x.size(d);
  for (int64_t d = dim + 1; d < x.dim(); ++d) inner *= x.size(d);
  Shape out_shape = x.shape();
  out_shape.erase(out_shape.begin() + dim);
  Tensor out = Tensor::empty(out_shape, x.dtype(), x.device());
  Tensor idx;
  if (argmax) idx = Tensor::empty(out_shape, DType::Int64, x.device());
  if (out.numel() > 0) {
    if (x.size(dim) == 0) {
      if (op == ReduceOp::Max) throw std::runtime_error("max: cannot reduce an empty dimension");
      backend_of(x).fill(out, 0.0);
    } else {
      backend_of(x).reduce(op, x, outer, x.size(dim), inner, out, idx);
    }
  }
  if (argmax) *argmax = idx;
  return out;
}

Shape keepdim_shape(const Shape& shape, const std::vector<int64_t>& dims) {
  Shape out = shape;
  for (int64_t d : dims) out[d] = 1;
  return out;
}

}  // namespace

Tensor sum(const Tensor& x, const std::vector<int64_t>& dims_in, bool keepdim) {
  detail::check_float(x, "sum", "input");
  const std::vector<int64_t> dims = normalize_dims(dims_in, x.dim(), "sum");
  Tensor out = x.detach().contiguous();
  for (auto it = dims.rbegin(); it != dims.rend(); ++it) out = reduce_dim(ReduceOp::Sum, out, *it, nullptr);
  const Shape kept = keepdim_shape(x.shape(), dims);
  if (keepdim) out = out.reshape(kept);
  return record("SumBackward", out, {x}, [kept, shape = x.shape()](const Tensor& g) -> std::vector<Tensor> {
    return {expand(g.reshape(kept), shape)};
  });
}

Tensor sum(const Tensor& x) {
  std::vector<int64_t> all(static_cast<size_t>(x.dim()));
  for (int64_t d = 0; d < x.dim(); ++d) all[d] = d;
  return sum(x, all, false);
}

Tensor mean(const Tensor& x, const std::vector<int64_t>& dims_in, bool keepdim) {
  int64_t count = 1;
  for (int64_t d : normalize_dims(dims_in, x.dim(), "mean")) count *= x.size(d);
  return sum(x, dims_in, keepdim) * (1.0 / static_cast<double>(std::max<int64_t>(count, 1)));
}

Tensor mean(const Tensor& x) { return sum(x) * (1.0 / static_cast<double>(std::max<int64_t>(x.numel(), 1))); }

Tensor max(const Tensor& x, int64_t dim_in, bool keepdim) {
  detail::check_float(x, "max", "input");
  const int64_t dim = normalize_dim(dim_in, x.dim(), "max");
  Tensor packed = x.detach().contiguous();
  Tensor idx;
  Tensor out = reduce_dim(ReduceOp::Max, packed, dim, &idx);
  const Shape kept = keepdim_shape(x.shape(), {dim});
  if (keepdim) out = out.reshape(kept);
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < dim; ++d) outer *= x.size(d);
  for (int64_t d = dim + 1; d < x.dim(); ++d) inner *= x.size(d);
  return record("MaxBackward", out, {x},
                [idx, outer, inner, dim, shape = x.shape()](const Tensor& g) -> std::vector<Tensor> {
                  Tensor gx = Tensor::empty(shape, g.dtype(), g.device());
                  backend_of(g).scatter_argmax(g.contiguous(), idx, outer, shape[dim], inner, gx);
                  return {gx};
                });
}

Tensor argmax(const Tensor& x, int64_t dim_in, bool keepdim) {
  detail::check_float(x, "argmax", "input");
  const int64_t dim = normalize_dim(dim_in, x.dim(), "argmax");
  Tensor idx;
  reduce_dim(ReduceOp::Max, x.detach().contiguous(), dim, &idx);
  return keepdim ? idx.reshape(keepdim_shape(x.shape(), {dim})) : idx;
}

}  // namespace nlammr
