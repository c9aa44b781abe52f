// Validation of index tensors on the device, with the CPU backend's error
// messages. A kernel finds the *first* offending position (atomicMin over
// positions, so the answer does not depend on thread timing); the host reads
// back one or three integers and throws if something is wrong. This costs one
// synchronisation per indexing op, the price of a clear error instead of an
// out-of-bounds read.
#include <climits>

#include "kernels/cuda/cuda_backend_impl.cuh"
#include "kernels/cuda/device_utils.cuh"

namespace nlammr::cuda {
namespace {

template <typename I>
__global__ void first_bad_index_kernel(const I* index, int64_t n, int64_t limit, bool has_ignore,
                                       int64_t ignore, long long* first_bad) {
  for (int64_t i = first_index(); i < n; i += grid_stride()) {
    const int64_t v = static_cast<int64_t>(index[i]);
    if (has_ignore && v == ignore) continue;
    if (v < 0 || v >= limit) atomicMin(first_bad, static_cast<long long>(i));
  }
}

// result[0] = off[0], result[1] = off[segments], result[2] = first s with off[s+1] < off[s].
template <typename I>
__global__ void check_offsets_kernel(const I* off, int64_t segments, long long* result) {
  if (first_index() == 0) {
    result[0] = static_cast<long long>(off[0]);
    result[1] = static_cast<long long>(off[segments]);
  }
  for (int64_t s = first_index(); s < segments; s += grid_stride())
    if (off[s + 1] < off[s]) atomicMin(result + 2, static_cast<long long>(s));
}

__global__ void set_kernel(long long* p, long long value) { *p = value; }

}  // namespace

void CudaBackend::check_indices(const Tensor& index, int64_t limit, const char* what, bool has_ignore,
                                int64_t ignore) {
  const int64_t n = index.numel();
  if (n == 0) return;
  activate();
  DeviceBuffer first_bad = scratch(sizeof(long long));
  launch("set_kernel", set_kernel, 1, 1, 0, stream_, first_bad.as<long long>(), LLONG_MAX);
  NLAMMR_CUDA_LAUNCH_CHECK(stream_, "index validation", describe({index}));
  dispatch_index(index.dtype(), what, [&](auto tag) {
    using I = decltype(tag);
    launch("first_bad_index_kernel", first_bad_index_kernel<I>, grid_blocks(n), kBlockThreads, 0, stream_,
           ptr<I>(index), n, limit, has_ignore, ignore, first_bad.as<long long>());
  });
  NLAMMR_CUDA_LAUNCH_CHECK(stream_, "index validation",
                           describe({index}) + " limit " + std::to_string(limit));
  long long position = 0;
  read_back(&position, first_bad.as<long long>(), sizeof position);
  if (position == LLONG_MAX) return;
  int64_t value = 0;
  dispatch_index(index.dtype(), what, [&](auto tag) {
    using I = decltype(tag);
    I v{};
    read_back(&v, ptr<I>(index) + position, sizeof v);
    value = static_cast<int64_t>(v);
  });
  throw std::runtime_error(std::string(what) + ": index " + std::to_string(value) + " out of range [0, " +
                           std::to_string(limit) + ")");
}

void CudaBackend::check_offsets(const Tensor& offsets, int64_t segments, int64_t rows, const char* kernel) {
  activate();
  DeviceBuffer result = scratch(3 * sizeof(long long));
  launch("set_kernel", set_kernel, 1, 1, 0, stream_, result.as<long long>() + 2, LLONG_MAX);
  NLAMMR_CUDA_LAUNCH_CHECK(stream_, "offsets validation", describe({offsets}));
  dispatch_index(offsets.dtype(), kernel, [&](auto tag) {
    using I = decltype(tag);
    launch("check_offsets_kernel", check_offsets_kernel<I>, grid_blocks(segments), kBlockThreads, 0, stream_,
           ptr<I>(offsets), segments, result.as<long long>());
  });
  NLAMMR_CUDA_LAUNCH_CHECK(stream_, "offsets validation", describe({offsets}));
  long long r[3];
  read_back(r, result.as<long long>(), sizeof r);
  if (r[0] != 0 || r[1] != rows)
    throw std::runtime_error(std::string(kernel) + ": offsets must run from 0 to " + std::to_string(rows) +
                             ", got " + std::to_string(r[0]) + " .. " + std::to_string(r[1]));
  if (r[2] != LLONG_MAX)
    throw std::runtime_error(std::string(kernel) + ": offsets decrease at segment " + std::to_string(r[2]));
}

void CudaBackend::forget_validation(const Tensor& written) {
  if (!written.defined() || written.numel() == 0) return;
  int64_t extent = 1;  // elements from the first to the last one the view reaches
  for (int64_t i = 0; i < written.dim(); ++i)
    extent +=
        (written.shape()[i] - 1) * (written.strides()[i] < 0 ? -written.strides()[i] : written.strides()[i]);
  validated_.forget(written.raw_data(), static_cast<size_t>(extent) * dtype_size(written.dtype()));
}

void CudaBackend::check_indices_once(const Tensor& index, int64_t limit, const char* what) {
  const size_t bytes = static_cast<size_t>(index.numel()) * dtype_size(index.dtype());
  const ValidationMemo::Key key{reinterpret_cast<uintptr_t>(index.raw_data()), bytes,
                                static_cast<int64_t>(index.dtype()), limit, 0};
  if (!index.is_contiguous() || !validated_.passed(key)) {
    check_indices(index, limit, what);  // throws when out of range
    if (index.is_contiguous()) validated_.remember(key);
  }
}

void CudaBackend::check_offsets_once(const Tensor& offsets, int64_t segments, int64_t rows,
                                     const char* kernel) {
  const size_t bytes = static_cast<size_t>(offsets.numel()) * dtype_size(offsets.dtype());
  const ValidationMemo::Key key{reinterpret_cast<uintptr_t>(offsets.raw_data()), bytes,
                                static_cast<int64_t>(offsets.dtype()), segments, rows};
  if (!offsets.is_contiguous() || !validated_.passed(key)) {
    check_offsets(offsets, segments, rows, kernel);
    if (offsets.is_contiguous()) validated_.remember(key);
  }
}

}  // namespace nlammr::cuda
