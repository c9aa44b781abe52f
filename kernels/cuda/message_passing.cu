// GIN message passing, as kernels/cpu/message_passing.cpp:
//   out[v] = sum over incoming edges e (CSR run of v) of relu(x[src[e]] + edge_emb[e]).
//
// Forward: one thread per (node, feature) walks the node's incoming edges in
// order: a gather, an add, a ReLU and a running sum, fused, with the [E, d]
// messages never written to memory; no atomics, and bit-identical to the CPU.
// Backward: one thread per (node, feature) writes the edge gradients of its
// run; the node gradient is then index_add(gedge by src), which is
// deterministic (sorted runs, see index.cu).
#include "kernels/common/elementwise_math.h"
#include "kernels/cuda/cuda_backend_impl.cuh"
#include "kernels/cuda/device_utils.cuh"

namespace nlammr::cuda {
namespace {

template <typename T, typename I, typename O>
__global__ void gin_forward_kernel(const T* x, const T* edge, const I* src, const O* offsets, T* out,
                                   int64_t segments, int64_t width) {
  for (int64_t t = first_index(); t < segments * width; t += grid_stride()) {
    const int64_t v = t / width, c = t % width;
    T acc = T(0);
    for (int64_t e = offsets[v]; e < offsets[v + 1]; ++e)
      acc += math::relu(x[static_cast<int64_t>(src[e]) * width + c] + edge[e * width + c]);
    out[t] = acc;
  }
}

template <typename T, typename I, typename O>
__global__ void gin_edge_grad_kernel(const T* x, const T* edge, const I* src, const O* offsets, const T* gout,
                                     T* gedge, int64_t segments, int64_t width) {
  for (int64_t t = first_index(); t < segments * width; t += grid_stride()) {
    const int64_t v = t / width, c = t % width;
    const T g = gout[t];
    for (int64_t e = offsets[v]; e < offsets[v + 1]; ++e)
      gedge[e * width + c] = math::relu_backward(x[static_cast<int64_t>(src[e]) * width + c] + edge[e * width + c], g);
  }
}

// Calls f(I{}, O{}, T{}) for the source, offset and feature dtypes.
template <typename F>
void dispatch_gin(const Tensor& src, const Tensor& offsets, const Tensor& x, const char* name, F&& f) {
  dispatch_index(src.dtype(), name, [&](auto itag) {
    dispatch_index(offsets.dtype(), name, [&](auto otag) {
      dispatch_float(x.dtype(), name, [&](auto tag) { f(itag, otag, tag); });
    });
  });
}

}  // namespace

void CudaBackend::gin_message_forward(const Tensor& x, const Tensor& edge_emb, const Tensor& src,
                                      const Tensor& dst_offsets, const Tensor& out) {
  const int64_t nodes = x.size(0), width = x.size(1), edges = edge_emb.size(0), segments = out.size(0);
  // Graph indices are validated once per graph batch (validation_memo.h).
  check_offsets_once(dst_offsets, segments, edges, "gin_aggregate");
  check_indices_once(src, nodes, "gin_aggregate source");
  if (segments * width == 0) return;
  activate();
  dispatch_gin(src, dst_offsets, x, "gin_aggregate", [&](auto itag, auto otag, auto tag) {
    using I = decltype(itag);
    using O = decltype(otag);
    using T = decltype(tag);
    launch("gin_forward_kernel", gin_forward_kernel<T, I, O>, grid_blocks(segments * width), kBlockThreads, 0,
           stream_, ptr<T>(x), ptr<T>(edge_emb), ptr<I>(src), ptr<O>(dst_offsets), ptr<T>(out), segments,
           width);
  });
  NLAMMR_CUDA_LAUNCH_CHECK(stream_, "gin_aggregate", describe({x, edge_emb, src, dst_offsets, out}));
}

void CudaBackend::gin_message_backward(const Tensor& x, const Tensor& edge_emb, const Tensor& src,
                                       const Tensor& dst_offsets, const Tensor& gout, const Tensor& gx,
                                       const Tensor& gedge) {
  const int64_t nodes = x.size(0), width = x.size(1), edges = edge_emb.size(0), segments = gout.size(0);
  check_offsets_once(dst_offsets, segments, edges, "gin_aggregate backward");
  check_indices_once(src, nodes, "gin_aggregate backward source");
  activate();
  if (segments * width > 0) {
    dispatch_gin(src, dst_offsets, x, "gin_aggregate backward", [&](auto itag, auto otag, auto tag) {
      using I = decltype(itag);
      using O = decltype(otag);
      using T = decltype(tag);
      launch("gin_edge_grad_kernel", gin_edge_grad_kernel<T, I, O>, grid_blocks(segments * width),
             kBlockThreads, 0, stream_, ptr<T>(x), ptr<T>(edge_emb), ptr<I>(src), ptr<O>(dst_offsets),
             ptr<T>(gout), ptr<T>(gedge), segments, width);
    });
    NLAMMR_CUDA_LAUNCH_CHECK(stream_, "gin_aggregate backward (edges)", describe({x, edge_emb, gout, gedge}));
  }
  fill(gx, 0.0);
  if (edges > 0) index_add_rows(gedge, src, gx);
}

}  // namespace nlammr::cuda
