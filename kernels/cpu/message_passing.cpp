// GIN message passing: every node sums, over its incoming edges, the ReLU of
// its neighbour's features plus the edge's embedding (Hu et al., "Strategies
// for pre-training graph neural networks", 2020, the GIN with edge features).
// Edges arrive sorted by destination (CSR offsets), so each node's sum is a
// contiguous run of edges: one writer per output row, no atomics, and the
// terms are added in edge order.
#include <algorithm>

#include "kernels/common/elementwise_math.h"
#include "kernels/cpu/common.h"
#include "kernels/cpu/cpu_backend.h"

namespace nlammr {
namespace {

template <typename I>
void check_sources(const I* src, int64_t edges, int64_t nodes, const char* kernel) {
  for (int64_t e = 0; e < edges; ++e)
    if (src[e] < 0 || src[e] >= nodes) cpu::index_out_of_range(kernel, src[e], nodes);
}

}  // namespace

void CpuBackend::gin_message_forward(const Tensor& x, const Tensor& edge_emb, const Tensor& src,
                                     const Tensor& dst_offsets, const Tensor& out) {
  const int64_t nodes = x.size(0), width = x.size(1), edges = edge_emb.size(0), segments = out.size(0);
  cpu::dispatch_index(dst_offsets.dtype(), "gin_aggregate", [&](auto otag) {
    using O = decltype(otag);
    const O* off = cpu::ptr<O>(dst_offsets);
    cpu::check_offsets(off, segments, edges, "gin_aggregate");
    cpu::dispatch_index(src.dtype(), "gin_aggregate", [&](auto stag) {
      using I = decltype(stag);
      const I* s = cpu::ptr<I>(src);
      check_sources(s, edges, nodes, "gin_aggregate source");
      cpu::dispatch_float(x.dtype(), "gin_aggregate", [&](auto tag) {
        using T = decltype(tag);
        const T* xp = cpu::ptr<T>(x);
        const T* ep = cpu::ptr<T>(edge_emb);
        T* op = cpu::ptr<T>(out);
#pragma omp parallel for schedule(static) if (edges * width > cpu::kParallelGrain)
        for (int64_t v = 0; v < segments; ++v) {
          T* o = op + v * width;
          std::fill(o, o + width, T(0));
          for (int64_t e = off[v]; e < off[v + 1]; ++e) {
            const T* xr = xp + static_cast<int64_t>(s[e]) * width;
            const T* er = ep + e * width;
            for (int64_t c = 0; c < width; ++c) o[c] += math::relu(xr[c] + er[c]);
          }
        }
      });
    });
  });
}

void CpuBackend::gin_message_backward(const Tensor& x, const Tensor& edge_emb, const Tensor& src,
                                      const Tensor& dst_offsets, const Tensor& gout, const Tensor& gx,
                                      const Tensor& gedge) {
  const int64_t nodes = x.size(0), width = x.size(1), edges = edge_emb.size(0), segments = gout.size(0);
  cpu::dispatch_index(dst_offsets.dtype(), "gin_aggregate backward", [&](auto otag) {
    using O = decltype(otag);
    const O* off = cpu::ptr<O>(dst_offsets);
    cpu::check_offsets(off, segments, edges, "gin_aggregate backward");
    cpu::dispatch_index(src.dtype(), "gin_aggregate backward", [&](auto stag) {
      using I = decltype(stag);
      const I* s = cpu::ptr<I>(src);
      check_sources(s, edges, nodes, "gin_aggregate backward source");
      cpu::dispatch_float(x.dtype(), "gin_aggregate backward", [&](auto tag) {
        using T = decltype(tag);
        const T* xp = cpu::ptr<T>(x);
        const T* ep = cpu::ptr<T>(edge_emb);
        const T* gp = cpu::ptr<T>(gout);
        T* gep = cpu::ptr<T>(gedge);
        // The ReLU passes the destination's gradient where its input was positive.
#pragma omp parallel for schedule(static) if (edges * width > cpu::kParallelGrain)
        for (int64_t v = 0; v < segments; ++v) {
          for (int64_t e = off[v]; e < off[v + 1]; ++e) {
            const T* xr = xp + static_cast<int64_t>(s[e]) * width;
            const T* er = ep + e * width;
            for (int64_t c = 0; c < width; ++c)
              gep[e * width + c] = math::relu_backward(xr[c] + er[c], gp[v * width + c]);
          }
        }
      });
    });
  });
  // Each source node collects the gradients of its outgoing edges, in edge order.
  fill(gx, 0.0);
  if (edges > 0) index_add_rows(gedge, src, gx);
}

}  // namespace nlammr
