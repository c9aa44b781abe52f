// Gathers and scatters of rows: embeddings, graph message passing, pooling.
#include "engine/ops/op_support.h"

namespace nlammr {

using detail::backend_of;

namespace {

Shape with_rows(const Tensor& x, int64_t rows) {
  Shape s = x.shape();
  s[0] = rows;
  return s;
}

void check_rows_input(const Tensor& x, const char* op) {
  detail::check_float(x, op, "input");
  if (x.dim() == 0) throw std::runtime_error(std::string(op) + ": input must have at least one dimension");
}

void check_index_1d(const Tensor& index, const Tensor& x, const char* op, const char* what) {
  detail::check_index(index, op, what);
  if (index.dim() != 1)
    throw std::runtime_error(std::string(op) + ": " + what + " must be 1-D, got shape " + shape_str(index.shape()));
  if (index.device() != x.device())
    throw std::runtime_error(std::string(op) + ": " + what + " is on " + index.device().str() + ", input on " +
                             x.device().str());
}

}  // namespace

Tensor index_select(const Tensor& x, const Tensor& index) {
  check_rows_input(x, "index_select");
  check_index_1d(index, x, "index_select", "index");
  Tensor idx = detail::packed(index);
  Tensor out = Tensor::empty(with_rows(x, idx.numel()), x.dtype(), x.device());
  if (out.numel() > 0) backend_of(x).index_select_rows(x.detach().contiguous(), idx, out);
  return record("IndexSelectBackward", out, {x}, [idx, from = x.shape()](const Tensor& g) -> std::vector<Tensor> {
    Tensor gx = Tensor::zeros(from, g.dtype(), g.device());
    if (g.numel() > 0) backend_of(g).index_add_rows(g.contiguous(), idx, gx);
    return {gx};
  });
}

Tensor embedding(const Tensor& weight, const Tensor& ids) {
  if (weight.dim() != 2)
    throw std::runtime_error("embedding: weight must be [vocab, dim], got " + shape_str(weight.shape()));
  Shape out_shape = ids.shape();
  out_shape.push_back(weight.size(1));
  return index_select(weight, ids.reshape({ids.numel()})).reshape(out_shape);
}

Tensor scatter_add(const Tensor& src, const Tensor& index, int64_t num_rows) {
  check_rows_input(src, "scatter_add");
  check_index_1d(index, src, "scatter_add", "index");
  if (index.numel() != src.size(0))
    throw std::runtime_error("scatter_add: index has " + std::to_string(index.numel()) + " entries for " +
                             std::to_string(src.size(0)) + " source rows");
  Tensor idx = detail::packed(index);
  Tensor out = Tensor::zeros(with_rows(src, num_rows), src.dtype(), src.device());
  if (src.numel() > 0) backend_of(src).index_add_rows(src.detach().contiguous(), idx, out);
  return record("ScatterAddBackward", out, {src}, [idx, from = src.shape()](const Tensor& g) -> std::vector<Tensor> {
    Tensor gx = Tensor::empty(from, g.dtype(), g.device());
    if (gx.numel() > 0) backend_of(g).index_select_rows(g.contiguous(), idx, gx);
    return {gx};
  });
}

Tensor segment_sum(const Tensor& x, const Tensor& offsets) {
  check_rows_input(x, "segment_sum");
  check_index_1d(offsets, x, "segment_sum", "offsets");
  if (offsets.numel() < 1) throw std::runtime_error("segment_sum: offsets needs at least one entry (0)");
  Tensor off = detail::packed(offsets);
  const int64_t segments = off.numel() - 1;
  Tensor out = Tensor::empty(with_rows(x, segments), x.dtype(), x.device());
  // The kernel validates the offsets (start 0, non-decreasing, end at the row count).
  backend_of(x).segment_sum_rows(x.detach().contiguous(), off, out);
  return record("SegmentSumBackward", out, {x}, [off, from = x.shape()](const Tensor& g) -> std::vector<Tensor> {
    Tensor gx = Tensor::empty(from, g.dtype(), g.device());
    backend_of(g).segment_expand_rows(g.contiguous(), off, gx);
    return {gx};
  });
}

Tensor segment_mean(const Tensor& x, const Tensor& offsets) {
  Tensor sums = segment_sum(x, offsets);
  // Segment lengths as floats, at least 1 so an empty segment stays 0.
  Tensor off = offsets.to(x.dtype());
  const int64_t segments = off.numel() - 1;
  Tensor counts = off.slice(0, 1, segments + 1) - off.slice(0, 0, segments);
  counts = maximum(counts, Tensor::ones({1}, x.dtype(), x.device()));
  Shape count_shape(static_cast<size_t>(x.dim()), 1);
  count_shape[0] = segments;
  return sums / counts.reshape(count_shape);
}

}  // namespace nlammr
