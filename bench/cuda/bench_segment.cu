// Graph kernels against cuSPARSE and the measured copy bandwidth:
//   segment_sum      the backend's CSR segment sum (one thread per output
//                    element walking its rows in order), against
//   cusparse_spmm    cuSPARSE SpMM with the same CSR pattern (all values 1)
//                    times the dense [rows, width] matrix.
//   gin_aggregate    the fused gather + edge embedding + ReLU + segment sum.
//   index_add        the deterministic scatter-add (radix sort + ordered runs).
// GB/s count the bytes that must move at least once.
#include <cusparse.h>

#include "bench/cuda/bench_common.cuh"

using namespace nlammr;
using namespace nlammr::bench;

namespace {

void check_sparse(cusparseStatus_t s, const char* what) {
  if (s != CUSPARSE_STATUS_SUCCESS)
    throw std::runtime_error(std::string(what) + ": " + cusparseGetErrorString(s));
}

// Segments of random lengths (mean `avg`) covering `rows` rows.
std::vector<int32_t> offsets_for(int64_t segments, int64_t avg, Generator& gen, int64_t* rows) {
  std::vector<int32_t> off{0};
  for (int64_t s = 0; s < segments; ++s)
    off.push_back(off.back() + static_cast<int32_t>(gen.uniform() * 2 * avg));
  *rows = off.back();
  return off;
}

void bench_segment_sum(int64_t segments, int64_t avg, int64_t width, double copy_gbps) {
  Generator gen(4);
  const Device gpu = Device::cuda();
  int64_t rows = 0;
  const std::vector<int32_t> off = offsets_for(segments, avg, gen, &rows);
  const Tensor offsets = Tensor::from_vector(off, {segments + 1}).to(gpu);
  const Tensor x = randn({rows, width}, gen, DType::Float32, gpu);
  Tensor y = Tensor::empty({segments, width}, DType::Float32, gpu);
  const double bytes = 4.0 * (rows * width + segments * width + segments);
  const std::string shape = dims({segments, rows, width});
  const double s = median_seconds([&] { backend_for(gpu).segment_sum_rows(x, offsets, y); });
  report("segment_sum", "backend", shape, bytes / s / 1e9, "GB/s", copy_gbps);

  // cuSPARSE: Y[segments, width] = A[segments, rows] * X[rows, width], A's nonzeros all 1.
  std::vector<int32_t> cols(static_cast<size_t>(rows));
  for (int64_t i = 0; i < rows; ++i) cols[i] = static_cast<int32_t>(i);
  const Tensor col_idx = Tensor::from_vector(cols, {rows}).to(gpu);
  const Tensor values = Tensor::ones({rows}, DType::Float32, gpu);
  cusparseHandle_t handle;
  check_sparse(cusparseCreate(&handle), "cusparseCreate");
  cusparseSpMatDescr_t a;
  cusparseDnMatDescr_t xd, yd;
  check_sparse(
      cusparseCreateCsr(&a, segments, rows, rows, const_cast<void*>(offsets.raw_data()),
                        const_cast<void*>(col_idx.raw_data()), const_cast<void*>(values.raw_data()),
                        CUSPARSE_INDEX_32I, CUSPARSE_INDEX_32I, CUSPARSE_INDEX_BASE_ZERO, CUDA_R_32F),
      "cusparseCreateCsr");
  check_sparse(cusparseCreateDnMat(&xd, rows, width, width, const_cast<void*>(x.raw_data()), CUDA_R_32F,
                                   CUSPARSE_ORDER_ROW),
               "cusparseCreateDnMat");
  check_sparse(cusparseCreateDnMat(&yd, segments, width, width, y.raw_data(), CUDA_R_32F, CUSPARSE_ORDER_ROW),
               "cusparseCreateDnMat");
  const float one = 1.0f, zero = 0.0f;
  size_t buffer_bytes = 0;
  check_sparse(
      cusparseSpMM_bufferSize(handle, CUSPARSE_OPERATION_NON_TRANSPOSE, CUSPARSE_OPERATION_NON_TRANSPOSE,
                              &one, a, xd, &zero, yd, CUDA_R_32F, CUSPARSE_SPMM_ALG_DEFAULT, &buffer_bytes),
      "cusparseSpMM_bufferSize");
  void* buffer = nullptr;
  check(cudaMalloc(&buffer, std::max<size_t>(buffer_bytes, 1)), "cudaMalloc");
  const double c = median_seconds([&] {
    check_sparse(cusparseSpMM(handle, CUSPARSE_OPERATION_NON_TRANSPOSE, CUSPARSE_OPERATION_NON_TRANSPOSE,
                              &one, a, xd, &zero, yd, CUDA_R_32F, CUSPARSE_SPMM_ALG_DEFAULT, buffer),
                 "cusparseSpMM");
  });
  report("segment_sum", "cusparse_spmm", shape, bytes / c / 1e9, "GB/s", copy_gbps);
  check(cudaFree(buffer), "cudaFree");
  cusparseDestroyDnMat(xd);
  cusparseDestroyDnMat(yd);
  cusparseDestroySpMat(a);
  cusparseDestroy(handle);
}

void bench_gin(int64_t nodes, int64_t avg_degree, int64_t width, double copy_gbps) {
  Generator gen(5);
  const Device gpu = Device::cuda();
  int64_t edges = 0;
  const std::vector<int32_t> off = offsets_for(nodes, avg_degree, gen, &edges);
  std::vector<int32_t> src(static_cast<size_t>(edges));
  for (int32_t& s : src) s = static_cast<int32_t>(gen.uniform() * nodes);
  const Tensor offsets = Tensor::from_vector(off, {nodes + 1}).to(gpu);
  const Tensor sources = Tensor::from_vector(src, {edges}).to(gpu);
  const Tensor x = randn({nodes, width}, gen, DType::Float32, gpu),
               e = randn({edges, width}, gen, DType::Float32, gpu);
  Tensor out = Tensor::empty({nodes, width}, DType::Float32, gpu);
  const std::string shape = dims({nodes, edges, width});
  const double bytes = 4.0 * (2.0 * edges * width + nodes * width);  // gathers + edge rows + output
  const double f = median_seconds([&] { backend_for(gpu).gin_message_forward(x, e, sources, offsets, out); });
  report("gin_aggregate_fwd", "fused", shape, bytes / f / 1e9, "GB/s", copy_gbps);
  Tensor gx = Tensor::empty({nodes, width}, DType::Float32, gpu),
         ge = Tensor::empty({edges, width}, DType::Float32, gpu);
  const double b =
      median_seconds([&] { backend_for(gpu).gin_message_backward(x, e, sources, offsets, out, gx, ge); });
  report("gin_aggregate_bwd", "edges+index_add", shape, 2.0 * bytes / b / 1e9, "GB/s", copy_gbps);
}

}  // namespace

int main() {
  return run_main("bench_segment", [] {
    const double copy = measured_copy_gbps();
    report("peak", "memcpy_device_to_device", "-", copy, "GB/s", copy);
    // The registered [segments, rows, width] give the mean segment length;
    // the lengths themselves are random around it.
    for (const cases::OpCase& c : cases::cases_for("segment_sum", cases::kGpuBench))
      bench_segment_sum(c.dim(0), c.dim(1) / c.dim(0), c.dim(2), copy);
    for (const cases::OpCase& c : cases::cases_for("gin_message", cases::kGpuBench))
      bench_gin(c.dim(0), c.dim(1) / c.dim(0), c.dim(2), copy);
  });
}
