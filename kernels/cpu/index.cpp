// Row gathers and scatters: embedding lookups, GIN message passing
// (gather source nodes, sum into destination nodes), graph pooling.
#include <algorithm>
#include <cstring>

#include "kernels/cpu/common.h"
#include "kernels/cpu/cpu_backend.h"

namespace nlammr {
namespace {

int64_t row_width(const Tensor& t) { return t.dim() == 0 || t.size(0) == 0 ? 0 : t.numel() / t.size(0); }

}  // namespace

void CpuBackend::index_select_rows(const Tensor& x, const Tensor& index, const Tensor& y) {
  const int64_t rows = x.size(0), width = row_width(x), m = index.numel();
  const size_t row_bytes = static_cast<size_t>(width) * dtype_size(x.dtype());
  const char* src = static_cast<const char*>(x.raw_data());
  char* dst = static_cast<char*>(y.raw_data());
  cpu::dispatch_index(index.dtype(), "index_select", [&](auto tag) {
    using I = decltype(tag);
    const I* idx = cpu::ptr<I>(index);
    for (int64_t i = 0; i < m; ++i)
      if (idx[i] < 0 || idx[i] >= rows) cpu::index_out_of_range("index_select", idx[i], rows);
#pragma omp parallel for schedule(static) if (m * width > cpu::kParallelGrain)
    for (int64_t i = 0; i < m; ++i) std::memcpy(dst + i * row_bytes, src + idx[i] * row_bytes, row_bytes);
  });
}

// Deterministic without atomics: threads split the *columns*, and each walks
// the source rows in their given order, so every output element receives its
// contributions in the same order on every run.
void CpuBackend::index_add_rows(const Tensor& src, const Tensor& index, const Tensor& out) {
  const int64_t rows = out.size(0), width = row_width(out), m = index.numel();
  cpu::dispatch_index(index.dtype(), "index_add", [&](auto itag) {
    using I = decltype(itag);
    const I* idx = cpu::ptr<I>(index);
    for (int64_t i = 0; i < m; ++i)
      if (idx[i] < 0 || idx[i] >= rows) cpu::index_out_of_range("index_add", idx[i], rows);
    cpu::dispatch_float(src.dtype(), "index_add", [&](auto tag) {
      using T = decltype(tag);
      const T* s = cpu::ptr<T>(src);
      T* o = cpu::ptr<T>(out);
      constexpr int64_t kCols = 64;
      const int64_t blocks = (width + kCols - 1) / kCols;
#pragma omp parallel for schedule(static) if (m * width > cpu::kParallelGrain && blocks > 1)
      for (int64_t b = 0; b < blocks; ++b) {
        const int64_t c0 = b * kCols, c1 = std::min(width, c0 + kCols);
        for (int64_t i = 0; i < m; ++i) {
          const T* srow = s + i * width;
          T* orow = o + static_cast<int64_t>(idx[i]) * width;
          for (int64_t c = c0; c < c1; ++c) orow[c] += srow[c];
        }
      }
    });
  });
}

void CpuBackend::segment_sum_rows(const Tensor& x, const Tensor& offsets, const Tensor& y) {
  const int64_t segments = y.size(0), width = row_width(y);
  cpu::dispatch_index(offsets.dtype(), "segment_sum", [&](auto itag) {
    using I = decltype(itag);
    const I* off = cpu::ptr<I>(offsets);
    cpu::check_offsets(off, segments, x.size(0), "segment_sum");
    cpu::dispatch_float(x.dtype(), "segment_sum", [&](auto tag) {
      using T = decltype(tag);
      const T* xp = cpu::ptr<T>(x);
      T* yp = cpu::ptr<T>(y);
#pragma omp parallel for schedule(static) if (x.numel() > cpu::kParallelGrain)
      for (int64_t s = 0; s < segments; ++s) {
        T* out = yp + s * width;
        std::fill(out, out + width, T(0));
        for (int64_t r = off[s]; r < off[s + 1]; ++r)
          for (int64_t c = 0; c < width; ++c) out[c] += xp[r * width + c];
      }
    });
  });
}

void CpuBackend::segment_expand_rows(const Tensor& gy, const Tensor& offsets, const Tensor& gx) {
  const int64_t segments = gy.size(0), width = row_width(gy);
  const size_t row_bytes = static_cast<size_t>(width) * dtype_size(gy.dtype());
  const char* src = static_cast<const char*>(gy.raw_data());
  char* dst = static_cast<char*>(gx.raw_data());
  cpu::dispatch_index(offsets.dtype(), "segment_sum backward", [&](auto itag) {
    using I = decltype(itag);
    const I* off = cpu::ptr<I>(offsets);
    cpu::check_offsets(off, segments, gx.size(0), "segment_sum backward");
#pragma omp parallel for schedule(static) if (gx.numel() > cpu::kParallelGrain)
    for (int64_t s = 0; s < segments; ++s)
      for (int64_t r = off[s]; r < off[s + 1]; ++r) std::memcpy(dst + r * row_bytes, src + s * row_bytes, row_bytes);
  });
}

}  // namespace nlammr
