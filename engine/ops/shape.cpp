// Shape ops. Most are views: a new (shape, strides, offset) over the same
// storage, so they cost nothing; their backward reshapes the gradient back.
#include <numeric>

#include "engine/ops/op_support.h"

namespace nlammr {

using detail::backend_of;

namespace {

Tensor make_view(const Tensor& x, const Shape& shape, const Shape& strides, int64_t offset) {
  return Tensor::from_storage(x.storage(), shape, x.dtype(), strides, offset);
}

Shape infer_shape(const Shape& requested, int64_t numel, const Shape& from) {
  Shape shape = requested;
  int64_t known = 1, infer = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      if (infer >= 0) throw std::runtime_error("reshape: only one dimension can be -1");
      infer = static_cast<int64_t>(i);
    } else if (shape[i] < 0) {
      throw std::runtime_error("reshape: negative size in " + shape_str(requested));
    } else {
      known *= shape[i];
    }
  }
  if (infer >= 0) {
    if (known == 0 || numel % known != 0)
      throw std::runtime_error("reshape: cannot reshape " + shape_str(from) + " into " + shape_str(requested));
    shape[infer] = numel / known;
  }
  if (shape_numel(shape) != numel)
    throw std::runtime_error("reshape: cannot reshape " + shape_str(from) + " (" + std::to_string(numel) +
                             " elements) into " + shape_str(requested));
  return shape;
}

}  // namespace

Tensor reshape(const Tensor& x, const Shape& requested) {
  const Shape shape = infer_shape(requested, x.numel(), x.shape());
  if (shape == x.shape()) return x;
  // A packed tensor reshapes as a view; anything else is packed first (a copy).
  Tensor packed = x.detach().contiguous();
  Tensor out = make_view(packed, shape, contiguous_strides(shape), packed.offset());
  return record("ReshapeBackward", out, {x}, [from = x.shape()](const Tensor& g) -> std::vector<Tensor> {
    return {g.reshape(from)};
  });
}

Tensor permute(const Tensor& x, const std::vector<int64_t>& dims_in) {
  if (static_cast<int64_t>(dims_in.size()) != x.dim())
    throw std::runtime_error("permute: " + std::to_string(dims_in.size()) + " dims given for a tensor with " +
                             std::to_string(x.dim()));
  std::vector<int64_t> dims(dims_in.size()), inverse(dims_in.size(), -1);
  Shape shape(dims.size()), strides(dims.size());
  for (size_t i = 0; i < dims.size(); ++i) {
    dims[i] = normalize_dim(dims_in[i], x.dim(), "permute");
    if (inverse[dims[i]] != -1) throw std::runtime_error("permute: repeated dimension " + std::to_string(dims[i]));
    inverse[dims[i]] = static_cast<int64_t>(i);
    shape[i] = x.shape()[dims[i]];
    strides[i] = x.strides()[dims[i]];
  }
  Tensor out = make_view(x, shape, strides, x.offset());
  return record("PermuteBackward", out, {x}, [inverse](const Tensor& g) -> std::vector<Tensor> {
    return {g.permute(inverse)};
  });
}

Tensor transpose(const Tensor& x, int64_t d0, int64_t d1) {
  std::vector<int64_t> dims(static_cast<size_t>(x.dim()));
  std::iota(dims.begin(), dims.end(), 0);
  std::swap(dims[normalize_dim(d0, x.dim(), "transpose")], dims[normalize_dim(d1, x.dim(), "transpose")]);
  return permute(x, dims);
}

Tensor slice(const Tensor& x, int64_t dim_in, int64_t start, int64_t end) {
  const int64_t dim = normalize_dim(dim_in, x.dim(), "slice");
  const int64_t size = x.size(dim);
  if (start < 0) start += size;
  if (end < 0) end += size;
  if (start < 0 || end > size || start > end)
    throw std::runtime_error("slice: range [" + std::to_string(start) + ", " + std::to_string(end) +
                             ") invalid for dimension " + std::to_string(dim) + " of size " + std::to_string(size));
  Shape shape = x.shape();
  shape[dim] = end - start;
  Tensor out = make_view(x, shape, x.strides(), x.offset() + start * x.strides()[dim]);
  return record("SliceBackward", out, {x}, [dim, start, from = x.shape()](const Tensor& g) -> std::vector<Tensor> {
    Tensor gx = Tensor::zeros(from, g.dtype(), g.device());
    backend_of(g).copy(g, gx.slice(dim, start, start + g.size(dim)));
    return {gx};
  });
}

Tensor unsqueeze(const Tensor& x, int64_t dim_in) {
  const int64_t dim = normalize_dim(dim_in, x.dim() + 1, "unsqueeze");
  Shape shape = x.shape(), strides = x.strides();
  const int64_t stride = dim < x.dim() ? x.strides()[dim] * x.shape()[dim] : 1;
  shape.insert(shape.begin() + dim, 1);
  strides.insert(strides.begin() + dim, stride);
  Tensor out = make_view(x, shape, strides, x.offset());
  return record("UnsqueezeBackward", out, {x}, [from = x.shape()](const Tensor& g) -> std::vector<Tensor> {
    return {g.reshape(from)};
  });
}

Tensor squeeze(const Tensor& x, int64_t dim_in) {
  const int64_t dim = normalize_dim(dim_in, x.dim(), "squeeze");
  if (x.size(dim) != 1)
    throw std::runtime_error("squeeze: dimension " + std::to_string(dim) + " has size " +
                             std::to_string(x.size(dim)) + ", not 1");
  Shape shape = x.shape(), strides = x.strides();
  shape.erase(shape.begin() + dim);
  strides.erase(strides.begin() + dim);
  Tensor out = make_view(x, shape, strides, x.offset());
  return record("SqueezeBackward", out, {x}, [from = x.shape()](const Tensor& g) -> std::vector<Tensor> {
    return {g.reshape(from)};
  });
}

Tensor expand(const Tensor& x, const Shape& shape) {
  if (x.shape() == shape) return x;
  if (shape.size() < x.shape().size() || broadcast_shapes(x.shape(), shape) != shape)
    throw std::runtime_error("expand: cannot expand " + shape_str(x.shape()) + " to " + shape_str(shape));
  Tensor out = detail::broadcast_view(x, shape);
  return record("ExpandBackward", out, {x}, [from = x.shape()](const Tensor& g) -> std::vector<Tensor> {
    return {sum_to_shape(g, from)};
  });
}

Tensor concat(const std::vector<Tensor>& xs, int64_t dim_in) {
  if (xs.empty()) throw std::runtime_error("concat: no tensors given");
  const Tensor& first = xs[0];
  const int64_t dim = normalize_dim(dim_in, first.dim(), "concat");
  Shape shape = first.shape();
  shape[dim] = 0;
  for (const Tensor& x : xs) {
    detail::check_same(first, x, "concat");
    if (x.dim() != first.dim())
      throw std::runtime_error("concat: tensors have different numbers of dims (" + shape_str(first.shape()) +
                               " vs " + shape_str(x.shape()) + ")");
    for (int64_t d = 0; d < x.dim(); ++d)
      if (d != dim && x.size(d) != first.size(d))
        throw std::runtime_error("concat: shapes " + shape_str(first.shape()) + " and " + shape_str(x.shape()) +
                                 " differ outside dimension " + std::to_string(dim));
    shape[dim] += x.size(dim);
  }
  Tensor out = Tensor::empty(shape, first.dtype(), first.device());
  std::vector<int64_t> sizes;
  int64_t at = 0;
  for (const Tensor& x : xs) {
    if (x.numel() > 0) backend_of(x).copy(x, out.detach().slice(dim, at, at + x.size(dim)));
    sizes.push_back(x.size(dim));
    at += x.size(dim);
  }
  return record("ConcatBackward", out, xs, [dim, sizes](const Tensor& g) -> std::vector<Tensor> {
    return split(g, sizes, dim);
  });
}

std::vector<Tensor> split(const Tensor& x, const std::vector<int64_t>& sizes, int64_t dim_in) {
  const int64_t dim = normalize_dim(dim_in, x.dim(), "split");
  int64_t total = 0;
  for (int64_t s : sizes) total += s;
  if (total != x.size(dim))
    throw std::runtime_error("split: sizes add up to " + std::to_string(total) + " but dimension " +
                             std::to_string(dim) + " has size " + std::to_string(x.size(dim)));
  std::vector<Tensor> parts;
  int64_t at = 0;
  for (int64_t s : sizes) {
    parts.push_back(slice(x, dim, at, at + s));
    at += s;
  }
  return parts;
}

// Tensor's member shortcuts.
Tensor Tensor::reshape(const Shape& shape) const { return nlammr::reshape(*this, shape); }
Tensor Tensor::permute(const std::vector<int64_t>& dims) const { return nlammr::permute(*this, dims); }
Tensor Tensor::transpose(int64_t d0, int64_t d1) const { return nlammr::transpose(*this, d0, d1); }
Tensor Tensor::slice(int64_t dim, int64_t start, int64_t end) const { return nlammr::slice(*this, dim, start, end); }
Tensor Tensor::unsqueeze(int64_t dim) const { return nlammr::unsqueeze(*this, dim); }
Tensor Tensor::squeeze(int64_t dim) const { return nlammr::squeeze(*this, dim); }
Tensor Tensor::expand(const Shape& shape) const { return nlammr::expand(*this, shape); }

}  // namespace nlammr
