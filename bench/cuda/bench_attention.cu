// Attention forward (and backward) throughput, kernel versions side by side:
//   v0 cublas+softmax  S = QK^T by cuBLAS, the backend's softmax, O = PV by
//                      cuBLAS: fast GEMMs, but S (B*H*Sq*Sk floats) goes
//                      through memory twice.
//   v1 thread-per-row  one thread per query, online softmax, K and V read from
//                      global memory (L2) by every thread: no tiling, no reuse.
//   v2 fused tiled     the backend's kernel (kernels/cuda/attention.cu): Q, K,
//                      V tiles in shared memory, online softmax, S never stored.
//   v2 bf16            the same kernel reading and writing bfloat16.
//   cudnn fused bf16   cuDNN's fused attention (SDPA) built with the cuDNN
//                      frontend's graph API (cudnn_sdpa.cpp), forward and
//                      backward; the library baseline. bfloat16 only (cuDNN's
//                      fused attention has no float32 path), so v2 bf16 is the
//                      like-for-like kernel; bench/gpu_suite.sh prints every
//                      attention row's ratio to it. Its output is checked
//                      against v2 bf16 before it is timed.
// TFLOP/s count 4*B*H*Sq*Sk*D flops for the forward (two matmuls) and 2.5x
// that for the backward; the fraction is of the float32 FMA peak measured by
// bench_common.cuh in the same run (no tensor cores are used).
#include <cmath>

#include "bench/cuda/bench_common.cuh"
#ifdef NLAMMR_BENCH_CUDNN_SDPA
#include "bench/cuda/cudnn_sdpa.h"
#endif

using namespace nlammr;
using namespace nlammr::bench;

namespace {

template <int D>
__global__ void attention_row_kernel(const float* q, const float* k, const float* v, float* out, int64_t rows,
                                     int64_t sq, int64_t sk, float scale) {
  const int64_t row = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (row >= rows) return;
  const int64_t bh = row / sq;
  const float* kb = k + bh * sk * D;
  const float* vb = v + bh * sk * D;
  float qr[D], acc[D];
  for (int c = 0; c < D; ++c) qr[c] = q[row * D + c], acc[c] = 0.0f;
  float m = -INFINITY, l = 0.0f;
  for (int64_t j = 0; j < sk; ++j) {
    float s = 0.0f;
    for (int c = 0; c < D; ++c) s += qr[c] * kb[j * D + c];
    s *= scale;
    const float m_new = fmaxf(m, s);
    const float rescale = expf(m - m_new), p = expf(s - m_new);
    l = l * rescale + p;
    for (int c = 0; c < D; ++c) acc[c] = acc[c] * rescale + p * vb[j * D + c];
    m = m_new;
  }
  for (int c = 0; c < D; ++c) out[row * D + c] = acc[c] / l;
}

template <int D>
void run_row_kernel(const Tensor& q, const Tensor& k, const Tensor& v, Tensor& out, float scale) {
  const int64_t rows = q.size(0) * q.size(1) * q.size(2);
  attention_row_kernel<D><<<static_cast<unsigned>((rows + 127) / 128), 128>>>(
      q.data<float>(), k.data<float>(), v.data<float>(), out.data<float>(), rows, q.size(2), k.size(2),
      scale);
  check(cudaGetLastError(), "attention_row_kernel");
}

// Largest |a - b| of two bfloat16 tensors of one shape, in float32.
double max_abs_difference(const Tensor& a, const Tensor& b) {
  const std::vector<float> x = a.to(DType::Float32).to(Device::cpu()).to_vector<float>(),
                           y = b.to(DType::Float32).to(Device::cpu()).to_vector<float>();
  double worst = 0.0;
  for (size_t i = 0; i < x.size(); ++i) worst = std::max(worst, std::fabs(static_cast<double>(x[i]) - y[i]));
  return worst;
}

// cuDNN's fused attention, forward and backward, in bfloat16.
void bench_cudnn(const Tensor& q, const Tensor& k, const Tensor& v, double scale, const std::string& shape,
                 double flops, double peak_tflops) {
#ifdef NLAMMR_BENCH_CUDNN_SDPA
  const Device gpu = Device::cuda();
  const int64_t B = q.size(0), H = q.size(1), S = q.size(2), D = q.size(3);
  const Tensor qb = q.to(DType::BFloat16), kb = k.to(DType::BFloat16), vb = v.to(DType::BFloat16);
  Tensor o = Tensor::empty(q.shape(), DType::BFloat16, gpu), o_ref = Tensor::empty(q.shape(), DType::BFloat16, gpu);
  Tensor stats = Tensor::empty({B, H, S}, DType::Float32, gpu), stats_ref = Tensor::empty({B, H, S}, DType::Float32, gpu);
  // cuDNN runs on the default stream, the backend on its own: inputs the
  // backend made must be complete before cuDNN reads them.
  auto settle = [] {
    cuda::synchronize();
    check(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
  };
  settle();
  std::unique_ptr<CudnnSdpa> sdpa;
  try {
    sdpa = std::make_unique<CudnnSdpa>(B, H, S, D, static_cast<float>(scale));
  } catch (const std::exception& e) {
    report_missing("attention_fwd", "cudnn_fused_bf16", std::string("not measured: ") + e.what());
    return;
  }
  // The baseline must compute the same thing: against the hand-written bf16
  // kernel (both round their output to bfloat16; values are O(1)).
  sdpa->forward(qb.raw_data(), kb.raw_data(), vb.raw_data(), o.raw_data(), stats.data<float>());
  cuda::attention_forward_bf16(cuda::AttentionShape{B, H, S, S, D}, qb.raw_data(), kb.raw_data(), vb.raw_data(),
                               nullptr, scale, o_ref.raw_data(), stats_ref.data<float>());
  settle();
  const double diff = max_abs_difference(o, o_ref);
  std::printf("cudnn check %s: max |O_cudnn - O_v2_bf16| = %.3g\n", shape.c_str(), diff);
  if (!(diff < 0.05)) {
    report_missing("attention_fwd", "cudnn_fused_bf16", "not measured: output differs from v2 bf16 by " + std::to_string(diff));
    return;
  }
  const double fwd = median_seconds(
      [&] { sdpa->forward(qb.raw_data(), kb.raw_data(), vb.raw_data(), o.raw_data(), stats.data<float>()); });
  report("attention_fwd", "cudnn_fused_bf16", shape, flops / fwd / 1e12, "TFLOP/s", peak_tflops);

  Generator gen(2);
  const Tensor grad_o = randn(q.shape(), gen, DType::Float32, gpu).to(DType::BFloat16);
  Tensor gq = Tensor::empty(q.shape(), DType::BFloat16, gpu), gk = Tensor::empty(q.shape(), DType::BFloat16, gpu),
         gv = Tensor::empty(q.shape(), DType::BFloat16, gpu);
  settle();
  const double bwd = median_seconds(
      [&] {
        sdpa->backward(qb.raw_data(), kb.raw_data(), vb.raw_data(), o.raw_data(), grad_o.raw_data(),
                       stats.data<float>(), gq.raw_data(), gk.raw_data(), gv.raw_data());
      },
      5, 1);
  report("attention_bwd", "cudnn_fused_bf16", shape, 2.5 * flops / bwd / 1e12, "TFLOP/s", peak_tflops);
#else
  (void)q, (void)k, (void)v, (void)scale, (void)flops, (void)peak_tflops;
  report_missing("attention_fwd", "cudnn_fused_bf16",
                 "not built: the cuDNN frontend or cuDNN was not found at configure time (" + shape + ")");
#endif
}

void bench_shape(int64_t B, int64_t H, int64_t S, int64_t D, double peak_tflops) {
  Generator gen(1);
  const Device gpu = Device::cuda();
  const Tensor q = randn({B, H, S, D}, gen, DType::Float32, gpu),
               k = randn({B, H, S, D}, gen, DType::Float32, gpu),
               v = randn({B, H, S, D}, gen, DType::Float32, gpu);
  Tensor out = Tensor::empty({B, H, S, D}, DType::Float32, gpu),
         lse = Tensor::empty({B, H, S}, DType::Float32, gpu);
  const double scale = 1.0 / std::sqrt(static_cast<double>(D));
  const double flops = 4.0 * B * H * S * S * D;
  const std::string shape = dims({B, H, S, D});
  Backend& be = backend_for(gpu);
  auto tflops = [&](double seconds, double f) { return f / seconds / 1e12; };

  {  // v0: cuBLAS + softmax, S materialised.
    Tensor scores = Tensor::empty({B * H, S, S}, DType::Float32, gpu),
           probs = Tensor::empty({B * H, S, S}, DType::Float32, gpu);
    GemmDesc qk;
    qk.batch = B * H, qk.m = S, qk.n = S, qk.k = D, qk.trans_b = true, qk.alpha = scale;
    qk.stride_a = S * D, qk.stride_b = S * D, qk.stride_c = S * S;
    GemmDesc pv;
    pv.batch = B * H, pv.m = S, pv.n = D, pv.k = S, pv.stride_a = S * S, pv.stride_b = S * D,
    pv.stride_c = S * D;
    const double s = median_seconds([&] {
      be.gemm(qk, q, k, scores);
      be.softmax_forward(scores, Tensor(), probs, false);
      be.gemm(pv, probs, v, out);
    });
    report("attention_fwd", "v0_cublas_softmax_fp32", shape, tflops(s, flops), "TFLOP/s", peak_tflops);
  }
  {  // v1: one thread per query row.
    const float fscale = static_cast<float>(scale);
    const double s = median_seconds(
        [&] {
          if (D == 32)
            run_row_kernel<32>(q, k, v, out, fscale);
          else if (D == 64)
            run_row_kernel<64>(q, k, v, out, fscale);
          else
            run_row_kernel<128>(q, k, v, out, fscale);
        },
        3, 1);
    report("attention_fwd", "v1_thread_per_row_fp32", shape, tflops(s, flops), "TFLOP/s", peak_tflops);
  }
  {  // v2: the backend's fused kernel.
    const double s = median_seconds([&] { be.attention_forward(q, k, v, Tensor(), scale, out, lse); });
    report("attention_fwd", "v2_fused_tiled_fp32", shape, tflops(s, flops), "TFLOP/s", peak_tflops);
  }
  {  // v2 in bfloat16.
    const Tensor qb = q.to(DType::BFloat16), kb = k.to(DType::BFloat16), vb = v.to(DType::BFloat16);
    Tensor ob = Tensor::empty({B, H, S, D}, DType::BFloat16, gpu);
    const cuda::AttentionShape as{B, H, S, S, D};
    const double s = median_seconds([&] {
      cuda::attention_forward_bf16(as, qb.raw_data(), kb.raw_data(), vb.raw_data(), nullptr, scale,
                                   ob.raw_data(), lse.data<float>());
    });
    report("attention_fwd", "v2_fused_tiled_bf16", shape, tflops(s, flops), "TFLOP/s", peak_tflops);
  }
  {  // Backward of the fused kernel (deterministic: dK/dV pass + dQ pass).
    be.attention_forward(q, k, v, Tensor(), scale, out, lse);
    const Tensor gout = randn({B, H, S, D}, gen, DType::Float32, gpu);
    Tensor gq = Tensor::empty(q.shape(), DType::Float32, gpu),
           gk = Tensor::empty(k.shape(), DType::Float32, gpu),
           gv = Tensor::empty(v.shape(), DType::Float32, gpu);
    const double s = median_seconds(
        [&] { be.attention_backward(q, k, v, out, lse, gout, Tensor(), scale, gq, gk, gv); }, 5, 1);
    report("attention_bwd", "v2_fused_tiled_fp32", shape, tflops(s, 2.5 * flops), "TFLOP/s", peak_tflops);
  }
  bench_cudnn(q, k, v, scale, shape, flops, peak_tflops);
}

}  // namespace

int main() {
  return run_main("bench_attention", [] {
    const double peak = measured_fp32_tflops();
    report("peak", "fp32_fma_cuda_cores", "-", peak, "TFLOP/s", peak);
    for (const cases::OpCase& c : cases::cases_for("attention", cases::kGpuBench)) {
      if (c.dim(2) != c.dim(3))
        throw std::runtime_error("bench_attention times self-attention: sq must equal sk");
      bench_shape(c.dim(0), c.dim(1), c.dim(2), c.dim(4), peak);
    }
  });
}
