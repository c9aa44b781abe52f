// Memory-access metrics of every CUDA kernel, measured in the simulator
// (device cuda-sim): a small Nsight Compute without a GPU. For each kernel
// launch at the shapes below it prints
//   sectors/req   32-byte global-memory sectors per warp-wide request:
//                 4 for a coalesced float32 access, 32 when every lane hits
//                 its own sector; 8 for float64
//   moved/min     bytes moved in sectors over the distinct bytes the kernel
//                 touches (1.0: nothing fetched twice or wasted)
//   shared req    warp-wide shared-memory requests
//   conflicts/req extra shared-memory wavefronts per request (bank conflicts;
//                 0 is conflict-free)
//   barriers/thr  __syncthreads passed per thread
// Timing means nothing here; see bench/gpu_suite.sh for the GPU's.
//
//   build/bench/cuda_sim_metrics [--markdown]
#include <cstdio>
#include <cstring>
#include <map>
#include <string>

#include "engine/engine.h"
#include "kernels/cuda_sim/sim_runtime.h"

using namespace nlammr;

namespace {

struct Row {
  std::string kernel;
  cudasim::LaunchMetrics total;
  int launches = 0;
};

void add(cudasim::LaunchMetrics& into, const cudasim::LaunchMetrics& m) {
  into.blocks += m.blocks;
  into.threads += m.threads;
  into.global_requests += m.global_requests;
  into.global_sectors += m.global_sectors;
  into.global_bytes_requested += m.global_bytes_requested;
  into.global_bytes_unique += m.global_bytes_unique;
  into.shared_requests += m.shared_requests;
  into.shared_wavefronts += m.shared_wavefronts;
  into.barriers += m.barriers;
}

double ratio(uint64_t a, uint64_t b) { return b ? static_cast<double>(a) / static_cast<double>(b) : 0.0; }

// Runs `work` with metrics on and prints one line per kernel it launched.
template <typename F>
void measure(const char* what, F&& work, bool markdown) {
  cudasim::clear_launch_metrics();
  work();
  std::map<std::string, Row> rows;
  std::vector<std::string> order;
  for (const auto& m : cudasim::launch_metrics()) {
    if (!rows.count(m.kernel)) order.push_back(m.kernel);
    Row& r = rows[m.kernel];
    r.kernel = m.kernel;
    add(r.total, m);
    ++r.launches;
  }
  for (const std::string& k : order) {
    const cudasim::LaunchMetrics& m = rows[k].total;
    const double sectors = ratio(m.global_sectors, m.global_requests);
    const double moved = ratio(m.global_sectors * 32, m.global_bytes_unique);
    const double conflicts = ratio(m.shared_wavefronts - m.shared_requests, m.shared_requests);
    const double barriers = ratio(m.barriers, m.threads);
    if (markdown)
      std::printf("| %s | %s | %d | %.2f | %.2f | %llu | %.2f | %.2f |\n", what, k.c_str(), rows[k].launches,
                  sectors, moved, static_cast<unsigned long long>(m.shared_requests), conflicts, barriers);
    else
      std::printf("%-28s %-36s %4d %11.2f %9.2f %10llu %13.2f %12.2f\n", what, k.c_str(), rows[k].launches,
                  sectors, moved, static_cast<unsigned long long>(m.shared_requests), conflicts, barriers);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const bool markdown = argc > 1 && std::strcmp(argv[1], "--markdown") == 0;
  if (!simulated_cuda_available() || !cudasim::accesses_instrumented()) {
    std::fprintf(stderr,
                 "this build has no instrumented CUDA simulator (NLAMMR_CUDA_SIM=ON, no sanitizer)\n");
    return 1;
  }
  cudasim::options().metrics = true;
  const Device sim = Device::simulated_cuda();
  Backend& be = backend_for(sim);
  Generator gen(1);
  auto on = [&](const Tensor& t) { return t.to(sim); };
  if (markdown) {
    std::printf(
        "| op (shape) | kernel | launches | sectors/req | moved/min | shared req | conflicts/req | "
        "barriers/thr |\n");
    std::printf("|---|---|---|---|---|---|---|---|\n");
  } else {
    std::printf("%-28s %-36s %4s %11s %9s %10s %13s %12s\n", "op (shape)", "kernel", "runs", "sectors/req",
                "moved/min", "shared req", "conflicts/req", "barriers/thr");
  }

  const Tensor x = on(randn({256, 768}, gen));
  measure(
      "add [256,768] f32", [&] { (void)(x + x); }, markdown);
  measure(
      "gelu [256,768] f32", [&] { (void)gelu(x); }, markdown);
  measure(
      "transpose copy [768,256]", [&] { (void)x.transpose(0, 1).contiguous(); }, markdown);
  measure(
      "sum rows [256,768]", [&] { (void)sum(x, {1}); }, markdown);
  measure(
      "sum columns [256,768]", [&] { (void)sum(x, {0}); }, markdown);
  measure(
      "softmax [256,768]", [&] { (void)softmax(x, -1); }, markdown);
  {
    const Tensor w = on(Tensor::ones({768})), b = on(Tensor::zeros({768}));
    measure(
        "layer norm [256,768]", [&] { (void)layer_norm(x, w, b, 1e-12); }, markdown);
  }
  {
    const Tensor q = on(randn({2, 4, 64, 64}, gen)), k = on(randn({2, 4, 64, 64}, gen)),
                 v = on(randn({2, 4, 64, 64}, gen));
    Tensor out = Tensor::empty({2, 4, 64, 64}, DType::Float32, sim);
    Tensor lse = Tensor::empty({2, 4, 64}, DType::Float32, sim);
    measure(
        "attention fwd [2,4,64,64]", [&] { be.attention_forward(q, k, v, Tensor(), 0.125, out, lse); },
        markdown);
    Tensor gq = Tensor::empty(q.shape(), DType::Float32, sim),
           gk = Tensor::empty(k.shape(), DType::Float32, sim),
           gv = Tensor::empty(v.shape(), DType::Float32, sim);
    measure(
        "attention bwd [2,4,64,64]",
        [&] { be.attention_backward(q, k, v, out, lse, out, Tensor(), 0.125, gq, gk, gv); }, markdown);
  }
  {
    // A batch of chains: 2000 nodes, 4000 directed edges, width 64.
    std::vector<int64_t> src, offsets{0};
    for (int64_t node = 0; node < 2000; ++node) {
      for (int64_t d : {-1, 1})
        if (node + d >= 0 && node + d < 2000) src.push_back(node + d);
      offsets.push_back(static_cast<int64_t>(src.size()));
    }
    const int64_t edges = static_cast<int64_t>(src.size());
    const Tensor feats = on(randn({2000, 64}, gen)), edge_emb = on(randn({edges, 64}, gen));
    const Tensor s = on(Tensor::from_vector(src, {edges})),
                 off = on(Tensor::from_vector(offsets, {static_cast<int64_t>(offsets.size())}));
    Tensor agg = Tensor::empty({2000, 64}, DType::Float32, sim);
    measure(
        "GIN aggregate fwd [2000,64]", [&] { be.gin_message_forward(feats, edge_emb, s, off, agg); },
        markdown);
    Tensor gx = Tensor::empty(feats.shape(), DType::Float32, sim),
           ge = Tensor::empty(edge_emb.shape(), DType::Float32, sim);
    measure(
        "GIN aggregate bwd [2000,64]", [&] { be.gin_message_backward(feats, edge_emb, s, off, agg, gx, ge); },
        markdown);
  }
  {
    const Tensor p = on(randn({1 << 16}, gen)), g = on(randn({1 << 16}, gen));
    Tensor m = on(Tensor::zeros({1 << 16})), v = on(Tensor::zeros({1 << 16}));
    measure(
        "adam [65536]", [&] { be.adam_step(p, g, m, v, AdamStepDesc{}); }, markdown);
  }
  return 0;
}
