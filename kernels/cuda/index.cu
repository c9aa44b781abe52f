// Row gathers and scatters (embeddings, message passing, pooling), as
// kernels/cpu/index.cpp. Indices are validated first (validate.cu) so that a
// bad index is a clear error, never an out-of-bounds access.
//
// index_add (out[index[i]] += src[i]) is deterministic without atomics: the
// positions i are sorted by destination row with a stable radix sort (CUB,
// part of the CUDA toolkit), which gives every destination its sources as a
// contiguous run in ascending i; one thread per (row, column) then adds them
// in that order. That is exactly the CPU's order of additions, so the result
// is bit-identical to the CPU's. segment_sum is the same loop over CSR runs.
#include <climits>
#include <cub/device/device_radix_sort.cuh>

#include "kernels/cuda/cuda_backend_impl.cuh"
#include "kernels/cuda/device_utils.cuh"

namespace nlammr::cuda {
namespace {

int64_t row_width(const Tensor& t) { return t.dim() == 0 || t.size(0) == 0 ? 0 : t.numel() / t.size(0); }

template <typename W, typename I>
__global__ void index_select_kernel(const W* x, const I* index, W* y, int64_t m, int64_t width) {
  for (int64_t t = first_index(); t < m * width; t += grid_stride()) {
    const int64_t i = t / width, c = t % width;
    y[t] = x[static_cast<int64_t>(index[i]) * width + c];
  }
}

// Sort keys (destination rows, already validated) and values (positions).
template <typename I>
__global__ void sort_input_kernel(const I* index, int64_t m, uint32_t* keys, int32_t* positions) {
  for (int64_t i = first_index(); i < m; i += grid_stride()) {
    keys[i] = static_cast<uint32_t>(index[i]);
    positions[i] = static_cast<int32_t>(i);
  }
}

// starts[r] = first position in the sorted keys whose key is >= r, for r in [0, rows].
__global__ void run_starts_kernel(const uint32_t* sorted_keys, int64_t m, int64_t rows, int32_t* starts) {
  for (int64_t r = first_index(); r <= rows; r += grid_stride()) {
    int64_t lo = 0, hi = m;
    while (lo < hi) {
      const int64_t mid = (lo + hi) / 2;
      if (static_cast<int64_t>(sorted_keys[mid]) < r)
        lo = mid + 1;
      else
        hi = mid;
    }
    starts[r] = static_cast<int32_t>(lo);
  }
}

// out[r, c] += src[positions[p], c] for p in the run of row r, in order.
template <typename T>
__global__ void add_runs_kernel(const T* src, const int32_t* positions, const int32_t* starts, T* out,
                                int64_t rows, int64_t width) {
  for (int64_t t = first_index(); t < rows * width; t += grid_stride()) {
    const int64_t r = t / width, c = t % width;
    const int32_t begin = starts[r], end = starts[r + 1];
    if (begin == end) continue;
    T acc = out[t];
    for (int32_t p = begin; p < end; ++p) acc += src[static_cast<int64_t>(positions[p]) * width + c];
    out[t] = acc;
  }
}

// y[s, c] = sum of x[r, c] over the rows r of segment s, in order, from 0.
template <typename T, typename I>
__global__ void segment_sum_kernel(const T* x, const I* offsets, T* y, int64_t segments, int64_t width) {
  for (int64_t t = first_index(); t < segments * width; t += grid_stride()) {
    const int64_t s = t / width, c = t % width;
    T acc = T(0);
    for (int64_t r = offsets[s]; r < offsets[s + 1]; ++r) acc += x[r * width + c];
    y[t] = acc;
  }
}

// gx[r, c] = gy[segment of r, c]; the segment is found by binary search.
template <typename W, typename I>
__global__ void segment_expand_kernel(const W* gy, const I* offsets, W* gx, int64_t segments, int64_t rows,
                                      int64_t width) {
  for (int64_t t = first_index(); t < rows * width; t += grid_stride()) {
    const int64_t r = t / width, c = t % width;
    // The last s with offsets[s] <= r (empty segments share an offset; the
    // run containing r is the last of them).
    int64_t lo = 0, hi = segments;  // invariant: offsets[lo] <= r < offsets[hi]
    while (hi - lo > 1) {
      const int64_t mid = (lo + hi) / 2;
      if (static_cast<int64_t>(offsets[mid]) <= r)
        lo = mid;
      else
        hi = mid;
    }
    gx[t] = gy[lo * width + c];
  }
}

template <typename F>
void dispatch_word(size_t bytes, F&& f) {
  switch (bytes) {
    case 1:
      f(uint8_t{});
      break;
    case 2:
      f(uint16_t{});
      break;
    case 4:
      f(uint32_t{});
      break;
    case 8:
      f(uint64_t{});
      break;
    default:
      throw std::logic_error("CUDA index kernel: unexpected element size " + std::to_string(bytes));
  }
}

int sort_bits(int64_t rows) {
  int bits = 1;
  while (bits < 32 && (int64_t{1} << bits) < rows) ++bits;
  return bits;
}

}  // namespace

void CudaBackend::index_select_rows(const Tensor& x, const Tensor& index, const Tensor& y) {
  forget_validation(y);
  const int64_t rows = x.size(0), width = row_width(x), m = index.numel();
  check_indices(index, rows, "index_select");
  if (m * width == 0) return;
  activate();
  dispatch_word(dtype_size(x.dtype()), [&](auto wtag) {
    using W = decltype(wtag);
    dispatch_index(index.dtype(), "index_select", [&](auto itag) {
      using I = decltype(itag);
      launch("index_select_kernel", index_select_kernel<W, I>, grid_blocks(m * width), kBlockThreads, 0,
             stream_, static_cast<const W*>(x.raw_data()), ptr<I>(index), static_cast<W*>(y.raw_data()), m,
             width);
    });
  });
  NLAMMR_CUDA_LAUNCH_CHECK(stream_, "index_select", describe({x, index, y}));
}

void CudaBackend::index_add_rows(const Tensor& src, const Tensor& index, const Tensor& out) {
  const int64_t rows = out.size(0), width = row_width(out), m = index.numel();
  check_indices(index, rows, "index_add");
  if (m == 0 || width == 0) return;
  if (m > INT32_MAX || rows > UINT32_MAX)
    throw std::runtime_error("index_add: " + describe({src, index, out}) +
                             " exceeds the 2^31 entries the sort handles");
  activate();
  auto shapes = [&] { return describe({src, index, out}); };
  // 1. (destination, position) pairs, sorted stably by destination.
  DeviceBuffer keys = scratch(sizeof(uint32_t) * m), sorted_keys = scratch(sizeof(uint32_t) * m);
  DeviceBuffer positions = scratch(sizeof(int32_t) * m), sorted_positions = scratch(sizeof(int32_t) * m);
  dispatch_index(index.dtype(), "index_add", [&](auto itag) {
    using I = decltype(itag);
    launch("sort_input_kernel", sort_input_kernel<I>, grid_blocks(m), kBlockThreads, 0, stream_,
           ptr<I>(index), m, keys.as<uint32_t>(), positions.as<int32_t>());
  });
  NLAMMR_CUDA_LAUNCH_CHECK(stream_, "index_add (sort input)", shapes());
  const int bits = sort_bits(rows);
  size_t temp_bytes = 0;
  NLAMMR_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(
      nullptr, temp_bytes, keys.as<uint32_t>(), sorted_keys.as<uint32_t>(), positions.as<int32_t>(),
      sorted_positions.as<int32_t>(), static_cast<int>(m), 0, bits, stream_));
  DeviceBuffer temp = scratch(temp_bytes);
  NLAMMR_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(
      temp.as<void>(), temp_bytes, keys.as<uint32_t>(), sorted_keys.as<uint32_t>(), positions.as<int32_t>(),
      sorted_positions.as<int32_t>(), static_cast<int>(m), 0, bits, stream_));
  NLAMMR_CUDA_LAUNCH_CHECK(stream_, "index_add (radix sort)", shapes());
  // 2. Where each destination row's run starts.
  DeviceBuffer starts = scratch(sizeof(int32_t) * (rows + 1));
  launch("run_starts_kernel", run_starts_kernel, grid_blocks(rows + 1), kBlockThreads, 0, stream_,
         sorted_keys.as<uint32_t>(), m, rows, starts.as<int32_t>());
  NLAMMR_CUDA_LAUNCH_CHECK(stream_, "index_add (run starts)", shapes());
  // 3. Each (row, column) adds its run in ascending source position.
  dispatch_float(src.dtype(), "index_add", [&](auto tag) {
    using T = decltype(tag);
    launch("add_runs_kernel", add_runs_kernel<T>, grid_blocks(rows * width), kBlockThreads, 0, stream_,
           ptr<T>(src), sorted_positions.as<int32_t>(), starts.as<int32_t>(), ptr<T>(out), rows, width);
  });
  NLAMMR_CUDA_LAUNCH_CHECK(stream_, "index_add", shapes());
}

void CudaBackend::segment_sum_rows(const Tensor& x, const Tensor& offsets, const Tensor& y) {
  const int64_t segments = y.size(0), width = row_width(y);
  check_offsets(offsets, segments, x.size(0), "segment_sum");
  if (segments * width == 0) return;
  activate();
  dispatch_index(offsets.dtype(), "segment_sum", [&](auto itag) {
    using I = decltype(itag);
    dispatch_float(x.dtype(), "segment_sum", [&](auto tag) {
      using T = decltype(tag);
      launch("segment_sum_kernel", segment_sum_kernel<T, I>, grid_blocks(segments * width), kBlockThreads, 0,
             stream_, ptr<T>(x), ptr<I>(offsets), ptr<T>(y), segments, width);
    });
  });
  NLAMMR_CUDA_LAUNCH_CHECK(stream_, "segment_sum", describe({x, offsets, y}));
}

void CudaBackend::segment_expand_rows(const Tensor& gy, const Tensor& offsets, const Tensor& gx) {
  forget_validation(gx);
  const int64_t segments = gy.size(0), width = row_width(gy), rows = gx.size(0);
  check_offsets(offsets, segments, rows, "segment_sum backward");
  if (rows * width == 0) return;
  activate();
  dispatch_word(dtype_size(gy.dtype()), [&](auto wtag) {
    using W = decltype(wtag);
    dispatch_index(offsets.dtype(), "segment_sum backward", [&](auto itag) {
      using I = decltype(itag);
      launch("segment_expand_kernel", segment_expand_kernel<W, I>, grid_blocks(rows * width), kBlockThreads,
             0, stream_, static_cast<const W*>(gy.raw_data()), ptr<I>(offsets),
             static_cast<W*>(gx.raw_data()), segments, rows, width);
    });
  });
  NLAMMR_CUDA_LAUNCH_CHECK(stream_, "segment_sum backward", describe({gy, offsets, gx}));
}

}  // namespace nlammr::cuda
