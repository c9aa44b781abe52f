// Memory-access metrics of every CUDA kernel, measured in the simulator
// (device cuda-sim): a small Nsight Compute without a GPU. For each kernel
// launch at the kSimMetrics shapes of tests/cases/kernel_cases.h it prints
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
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>

#include "engine/engine.h"
#include "kernels/cuda_sim/sim_runtime.h"
#include "tests/cases/kernel_cases.h"

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

  // The kSimMetrics cases of tests/cases/kernel_cases.h, family by family.
  auto registered = [](const char* op) { return cases::cases_for(op, cases::kSimMetrics); };
  auto dims = [](std::initializer_list<int64_t> d) {
    std::string out;
    for (int64_t v : d) out += (out.empty() ? "[" : ",") + std::to_string(v);
    return out + "]";
  };
  for (const cases::OpCase& c : registered("add")) {
    const Tensor x = on(randn(Shape(c.dims), gen));
    measure(("add " + dims({c.dim(0), c.dim(1)}) + " f32").c_str(), [&] { (void)(x + x); }, markdown);
  }
  for (const cases::OpCase& c : registered("gelu")) {
    const Tensor x = on(randn(Shape(c.dims), gen));
    measure(("gelu " + dims({c.dim(0), c.dim(1)}) + " f32").c_str(), [&] { (void)gelu(x); }, markdown);
  }
  for (const cases::OpCase& c : registered("copy")) {
    const Tensor x = on(randn(Shape(c.dims), gen));
    measure(("transpose copy " + dims({c.dim(1), c.dim(0)})).c_str(),
            [&] { (void)x.transpose(0, 1).contiguous(); }, markdown);
  }
  // [outer, n, inner]: rows of a matrix when inner is 1, its columns when outer is 1.
  for (const cases::OpCase& c : registered("sum")) {
    const bool rows = c.dim(2) == 1;
    const Shape shape = rows ? Shape{c.dim(0), c.dim(1)} : Shape{c.dim(1), c.dim(2)};
    const Tensor x = on(randn(shape, gen));
    const int64_t dim = rows ? 1 : 0;
    measure((std::string(rows ? "sum rows " : "sum columns ") + dims({shape[0], shape[1]})).c_str(),
            [&] { (void)sum(x, {dim}); }, markdown);
  }
  for (const cases::OpCase& c : registered("softmax")) {
    const Tensor x = on(randn(Shape(c.dims), gen));
    measure(("softmax " + dims({c.dim(0), c.dim(1)})).c_str(), [&] { (void)softmax(x, -1); }, markdown);
  }
  for (const cases::OpCase& c : registered("layer_norm")) {
    const Tensor x = on(randn(Shape(c.dims), gen));
    const Tensor w = on(Tensor::ones({c.dim(1)})), b = on(Tensor::zeros({c.dim(1)}));
    measure(("layer norm " + dims({c.dim(0), c.dim(1)})).c_str(), [&] { (void)layer_norm(x, w, b, 1e-12); },
            markdown);
  }
  // Unmasked self-attention [batch, heads, s, s, d].
  for (const cases::OpCase& c : registered("attention")) {
    const int64_t B = c.dim(0), H = c.dim(1), S = c.dim(2), D = c.dim(4);
    const Tensor q = on(randn({B, H, S, D}, gen)), k = on(randn({B, H, S, D}, gen)),
                 v = on(randn({B, H, S, D}, gen));
    Tensor out = Tensor::empty({B, H, S, D}, DType::Float32, sim);
    Tensor lse = Tensor::empty({B, H, S}, DType::Float32, sim);
    const double scale = 1.0 / std::sqrt(static_cast<double>(D));
    const std::string shape = dims({B, H, S, D});
    measure(("attention fwd " + shape).c_str(),
            [&] { be.attention_forward(q, k, v, Tensor(), scale, out, lse); }, markdown);
    Tensor gq = Tensor::empty(q.shape(), DType::Float32, sim),
           gk = Tensor::empty(k.shape(), DType::Float32, sim),
           gv = Tensor::empty(v.shape(), DType::Float32, sim);
    measure(("attention bwd " + shape).c_str(),
            [&] { be.attention_backward(q, k, v, out, lse, out, Tensor(), scale, gq, gk, gv); }, markdown);
  }
  // A batch of chains: every node's neighbours are the nodes before and after it.
  for (const cases::OpCase& c : registered("gin_message")) {
    const int64_t nodes = c.dim(0), width = c.dim(2);
    std::vector<int64_t> src, offsets{0};
    for (int64_t node = 0; node < nodes; ++node) {
      for (int64_t d : {-1, 1})
        if (node + d >= 0 && node + d < nodes) src.push_back(node + d);
      offsets.push_back(static_cast<int64_t>(src.size()));
    }
    const int64_t edges = static_cast<int64_t>(src.size());
    if (edges != c.dim(1))
      throw std::runtime_error("gin_message sim-metrics cases are chains: 2 (nodes - 1) edges");
    const Tensor feats = on(randn({nodes, width}, gen)), edge_emb = on(randn({edges, width}, gen));
    const Tensor s = on(Tensor::from_vector(src, {edges})),
                 off = on(Tensor::from_vector(offsets, {static_cast<int64_t>(offsets.size())}));
    Tensor agg = Tensor::empty({nodes, width}, DType::Float32, sim);
    const std::string shape = dims({nodes, width});
    measure(("GIN aggregate fwd " + shape).c_str(),
            [&] { be.gin_message_forward(feats, edge_emb, s, off, agg); }, markdown);
    Tensor gx = Tensor::empty(feats.shape(), DType::Float32, sim),
           ge = Tensor::empty(edge_emb.shape(), DType::Float32, sim);
    measure(("GIN aggregate bwd " + shape).c_str(),
            [&] { be.gin_message_backward(feats, edge_emb, s, off, agg, gx, ge); }, markdown);
  }
  for (const cases::OpCase& c : registered("optimizer")) {
    const Shape shape(c.dims);
    const Tensor p = on(randn(shape, gen)), g = on(randn(shape, gen));
    Tensor m = on(Tensor::zeros(shape)), v = on(Tensor::zeros(shape));
    measure(("adam " + dims({c.dim(0)})).c_str(), [&] { be.adam_step(p, g, m, v, AdamStepDesc{}); },
            markdown);
  }
  return 0;
}
