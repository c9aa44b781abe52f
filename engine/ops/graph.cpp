// Message passing over graphs whose edges are sorted by destination.
#include "engine/ops/op_support.h"

namespace nlammr {

using detail::backend_of;

Tensor gin_aggregate(const Tensor& x, const Tensor& edge_emb, const Tensor& src, const Tensor& dst_offsets) {
  const char* op = "gin_aggregate";
  detail::check_float(x, op, "node features");
  detail::check_float(edge_emb, op, "edge embeddings");
  detail::check_same(x, edge_emb, op);
  detail::check_index(src, op, "src");
  detail::check_index(dst_offsets, op, "dst_offsets");
  if (x.dim() != 2)
    throw std::runtime_error("gin_aggregate: node features must be [N, d], got " + shape_str(x.shape()));
  const int64_t width = x.size(1);
  if (edge_emb.dim() != 2 || edge_emb.size(1) != width)
    throw std::runtime_error("gin_aggregate: edge embeddings must be [E, " + std::to_string(width) +
                             "], got " + shape_str(edge_emb.shape()));
  const int64_t edges = edge_emb.size(0);
  detail::check_shape(src, {edges}, op, "src");
  if (dst_offsets.dim() != 1 || dst_offsets.numel() < 1)
    throw std::runtime_error("gin_aggregate: dst_offsets must be 1-D with at least one entry (0), got " +
                             shape_str(dst_offsets.shape()));
  for (const Tensor* t : {&src, &dst_offsets})
    if (t->device() != x.device())
      throw std::runtime_error("gin_aggregate: index tensors are on " + t->device().str() + ", features on " +
                               x.device().str());
  Tensor xs = x.detach().contiguous(), es = edge_emb.detach().contiguous();
  Tensor s = detail::packed(src), off = detail::packed(dst_offsets);
  const int64_t nodes_out = off.numel() - 1;
  Tensor out = Tensor::empty({nodes_out, width}, x.dtype(), x.device());
  // The kernel validates offsets (0 .. E, non-decreasing) and sources (< N).
  backend_of(x).gin_message_forward(xs, es, s, off, out);
  return record("GinAggregateBackward", out, {x, edge_emb},
                [xs, es, s, off](const Tensor& g) -> std::vector<Tensor> {
                  Tensor gx = Tensor::empty(xs.shape(), xs.dtype(), xs.device());
                  Tensor gedge = Tensor::empty(es.shape(), es.dtype(), es.device());
                  backend_of(xs).gin_message_backward(xs, es, s, off, g.contiguous(), gx, gedge);
                  return {gx, gedge};
                });
}

}  // namespace nlammr
