// Row-wise kernels against the memory bandwidth measured in the same run
// (cudaMemcpy device to device). Kernel versions side by side:
//   layernorm v1 block-per-row  one 256-thread block per row, block-wide
//                               reductions through shared memory and barriers.
//   layernorm v2 warp-per-row   the backend's kernel: one warp per row, shuffle
//                               reductions, no shared memory, no barriers.
//   softmax                     the backend's kernel (warp per row up to 1024
//                               elements, block per row beyond).
// GB/s count the bytes a kernel must move at least: x read once, y written
// once (and, for layer norm, weight and bias read once).
#include "bench/cuda/bench_common.cuh"

using namespace nlammr;
using namespace nlammr::bench;

namespace {

__device__ float block_sum_f(float v, float* scratch) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  if (threadIdx.x % 32 == 0) scratch[threadIdx.x / 32] = v;
  __syncthreads();
  float total = 0.0f;
  for (int w = 0; w < static_cast<int>(blockDim.x / 32); ++w) total += scratch[w];
  __syncthreads();
  return total;
}

// v1: one block per row, two-pass statistics in float.
__global__ void layernorm_block_per_row(const float* x, const float* w, const float* b, float* y, int64_t n,
                                        float eps) {
  __shared__ float scratch[32];
  const float* xr = x + blockIdx.x * n;
  float* yr = y + blockIdx.x * n;
  float s = 0.0f;
  for (int64_t i = threadIdx.x; i < n; i += blockDim.x) s += xr[i];
  const float mean = block_sum_f(s, scratch) / static_cast<float>(n);
  float sq = 0.0f;
  for (int64_t i = threadIdx.x; i < n; i += blockDim.x) sq += (xr[i] - mean) * (xr[i] - mean);
  const float rstd = rsqrtf(block_sum_f(sq, scratch) / static_cast<float>(n) + eps);
  for (int64_t i = threadIdx.x; i < n; i += blockDim.x) yr[i] = (xr[i] - mean) * rstd * w[i] + b[i];
}

void bench_layernorm(int64_t rows, int64_t n, double copy_gbps) {
  Generator gen(2);
  const Device gpu = Device::cuda();
  const Tensor x = randn({rows, n}, gen, DType::Float32, gpu);
  const Tensor w = randn({n}, gen, DType::Float32, gpu), b = randn({n}, gen, DType::Float32, gpu);
  Tensor y = Tensor::empty({rows, n}, DType::Float32, gpu), mean = Tensor::empty({rows}, DType::Float32, gpu),
         rstd = Tensor::empty({rows}, DType::Float32, gpu);
  const double bytes = 4.0 * (2.0 * rows * n + 2.0 * n + 2.0 * rows);
  const std::string shape = dims({rows, n});
  const double v1 = median_seconds([&] {
    layernorm_block_per_row<<<static_cast<unsigned>(rows), 256>>>(x.data<float>(), w.data<float>(),
                                                                  b.data<float>(), y.data<float>(), n, 1e-5f);
    check(cudaGetLastError(), "layernorm_block_per_row");
  });
  report("layernorm_fwd", "v1_block_per_row", shape, bytes / v1 / 1e9, "GB/s", copy_gbps);
  const double v2 = median_seconds([&] { backend_for(gpu).layernorm_forward(x, w, b, 1e-5, y, mean, rstd); });
  report("layernorm_fwd", "v2_warp_per_row", shape, bytes / v2 / 1e9, "GB/s", copy_gbps);
  const Tensor gy = randn({rows, n}, gen, DType::Float32, gpu);
  Tensor gx = Tensor::empty({rows, n}, DType::Float32, gpu), gw = Tensor::empty({n}, DType::Float32, gpu),
         gb = Tensor::empty({n}, DType::Float32, gpu);
  const double bw =
      median_seconds([&] { backend_for(gpu).layernorm_backward(x, w, mean, rstd, gy, gx, gw, gb); });
  // x and gy read twice (row pass, column pass), gx written once.
  report("layernorm_bwd", "v2_warp_per_row+column_sums", shape, 4.0 * 5.0 * rows * n / bw / 1e9, "GB/s",
         copy_gbps);
}

void bench_softmax(int64_t rows, int64_t n, double copy_gbps) {
  Generator gen(3);
  const Device gpu = Device::cuda();
  const Tensor x = randn({rows, n}, gen, DType::Float32, gpu);
  Tensor y = Tensor::empty({rows, n}, DType::Float32, gpu);
  const double s = median_seconds([&] { backend_for(gpu).softmax_forward(x, Tensor(), y, false); });
  report("softmax_fwd", n <= 1024 ? "warp_per_row" : "block_per_row", dims({rows, n}),
         8.0 * rows * n / s / 1e9, "GB/s", copy_gbps);
}

}  // namespace

int main() {
  return run_main("bench_rows", [] {
    const double copy = measured_copy_gbps();
    report("peak", "memcpy_device_to_device", "-", copy, "GB/s", copy);
    for (const cases::OpCase& c : cases::cases_for("layer_norm", cases::kGpuBench))
      bench_layernorm(c.dim(0), c.dim(1), copy);
    for (const cases::OpCase& c : cases::cases_for("softmax", cases::kGpuBench))
      bench_softmax(c.dim(0), c.dim(1), copy);
  });
}
