// cuDNN SDPA through the frontend's graph API (see cudnn_sdpa.h). Compiled by
// the host compiler: the frontend is header-only C++ over cuDNN's C API.
#include "bench/cuda/cudnn_sdpa.h"

#include <cuda_runtime.h>
#include <cudnn_frontend.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace nlammr::bench {
namespace {

namespace fe = cudnn_frontend;

// Tensor ids of the variant packs.
enum Uid : int64_t { kQ = 1, kK, kV, kO, kStats, kGradO, kGradQ, kGradK, kGradV };

void ok(fe::error_t e, const char* what) {  // by value: get_message() is not const
  if (!e.is_good()) throw std::runtime_error(std::string("cuDNN SDPA: ") + what + ": " + e.get_message());
}
void ok(cudnnStatus_t s, const char* what) {
  if (s != CUDNN_STATUS_SUCCESS)
    throw std::runtime_error(std::string("cuDNN SDPA: ") + what + ": " + cudnnGetErrorString(s));
}
void ok(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throw std::runtime_error(std::string("cuDNN SDPA: ") + what + ": " + cudaGetErrorString(e));
}

struct Layout {
  std::vector<int64_t> dims, strides, stat_dims, stat_strides;
};

Layout layout(int64_t b, int64_t h, int64_t s, int64_t d) {
  return Layout{{b, h, s, d}, {h * s * d, s * d, d, 1}, {b, h, s, 1}, {h * s, s, 1, 1}};
}

std::shared_ptr<fe::graph::Graph> new_graph() {
  auto g = std::make_shared<fe::graph::Graph>();
  g->set_io_data_type(fe::DataType_t::BFLOAT16)
      .set_intermediate_data_type(fe::DataType_t::FLOAT)
      .set_compute_data_type(fe::DataType_t::FLOAT);
  return g;
}

std::shared_ptr<fe::graph::Tensor_attributes> input(fe::graph::Graph& g, const char* name, Uid uid,
                                                    const Layout& l) {
  return g.tensor(fe::graph::Tensor_attributes().set_name(name).set_uid(uid).set_dim(l.dims).set_stride(l.strides));
}

std::shared_ptr<fe::graph::Tensor_attributes> stats_input(fe::graph::Graph& g, const Layout& l) {
  return g.tensor(fe::graph::Tensor_attributes()
                      .set_name("stats")
                      .set_uid(kStats)
                      .set_dim(l.stat_dims)
                      .set_stride(l.stat_strides)
                      .set_data_type(fe::DataType_t::FLOAT));
}

void mark_output(const std::shared_ptr<fe::graph::Tensor_attributes>& t, Uid uid, const Layout& l) {
  t->set_output(true).set_uid(uid).set_dim(l.dims).set_stride(l.strides);
}

}  // namespace

struct CudnnSdpa::Impl {
  cudnnHandle_t handle = nullptr;
  std::shared_ptr<fe::graph::Graph> forward, backward;
  void* workspace = nullptr;

  void execute(const fe::graph::Graph& g, std::unordered_map<int64_t, void*> pack, const char* what) {
    ok(g.execute(handle, pack, workspace), what);
  }
};

CudnnSdpa::CudnnSdpa(int64_t batch, int64_t heads, int64_t seq, int64_t head_dim, float scale)
    : impl_(std::make_unique<Impl>()) {
  const Layout l = layout(batch, heads, seq, head_dim);
  ok(cudnnCreate(&impl_->handle), "cudnnCreate");

  {  // O, stats = SDPA(Q, K, V); the statistics are what the backward needs.
    auto g = new_graph();
    auto q = input(*g, "Q", kQ, l), k = input(*g, "K", kK, l), v = input(*g, "V", kV, l);
    auto [o, stats] =
        g->sdpa(q, k, v, fe::graph::SDPA_attributes().set_name("sdpa").set_generate_stats(true).set_attn_scale(scale));
    mark_output(o, kO, l);
    stats->set_output(true).set_uid(kStats).set_data_type(fe::DataType_t::FLOAT);
    ok(g->build(impl_->handle, {fe::HeurMode_t::A}), "building the forward graph");
    impl_->forward = g;
  }
  {  // dQ, dK, dV from Q, K, V, O, dO and the forward's statistics.
    auto g = new_graph();
    auto q = input(*g, "Q", kQ, l), k = input(*g, "K", kK, l), v = input(*g, "V", kV, l);
    auto o = input(*g, "O", kO, l), grad_o = input(*g, "dO", kGradO, l);
    auto stats = stats_input(*g, l);
    auto [grad_q, grad_k, grad_v] = g->sdpa_backward(
        q, k, v, o, grad_o, stats, fe::graph::SDPA_backward_attributes().set_name("sdpa_backward").set_attn_scale(scale));
    mark_output(grad_q, kGradQ, l);
    mark_output(grad_k, kGradK, l);
    mark_output(grad_v, kGradV, l);
    ok(g->build(impl_->handle, {fe::HeurMode_t::A}), "building the backward graph");
    impl_->backward = g;
  }
  int64_t fwd_bytes = 0, bwd_bytes = 0;
  ok(impl_->forward->get_workspace_size(fwd_bytes), "forward workspace size");
  ok(impl_->backward->get_workspace_size(bwd_bytes), "backward workspace size");
  const int64_t bytes = std::max<int64_t>({fwd_bytes, bwd_bytes, 1});
  ok(cudaMalloc(&impl_->workspace, static_cast<size_t>(bytes)), "workspace cudaMalloc");
}

CudnnSdpa::~CudnnSdpa() {
  if (impl_->workspace) cudaFree(impl_->workspace);
  if (impl_->handle) cudnnDestroy(impl_->handle);
}

void CudnnSdpa::forward(const void* q, const void* k, const void* v, void* o, float* stats) {
  impl_->execute(*impl_->forward,
                 {{kQ, const_cast<void*>(q)},
                  {kK, const_cast<void*>(k)},
                  {kV, const_cast<void*>(v)},
                  {kO, o},
                  {kStats, stats}},
                 "forward");
}

void CudnnSdpa::backward(const void* q, const void* k, const void* v, const void* o, const void* grad_o,
                         const float* stats, void* grad_q, void* grad_k, void* grad_v) {
  impl_->execute(*impl_->backward,
                 {{kQ, const_cast<void*>(q)},
                  {kK, const_cast<void*>(k)},
                  {kV, const_cast<void*>(v)},
                  {kO, const_cast<void*>(o)},
                  {kGradO, const_cast<void*>(grad_o)},
                  {kStats, const_cast<float*>(stats)},
                  {kGradQ, grad_q},
                  {kGradK, grad_k},
                  {kGradV, grad_v}},
                 "backward");
}

}  // namespace nlammr::bench
