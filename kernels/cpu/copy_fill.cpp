// copy (strided, with dtype conversion) and fill.
#include <cstring>
#include <type_traits>

#include "kernels/common/scalar_convert.h"
#include "kernels/cpu/cpu_backend.h"
#include "kernels/cpu/strided.h"

namespace nlammr {
namespace {

// Storage-only element types, converted through float on the way in and out.
struct Half { uint16_t bits; };
struct BFloat16 { uint16_t bits; };

template <typename T> double to_double(T v) { return static_cast<double>(v); }
template <> double to_double(Half v) { return half_to_float(v.bits); }
template <> double to_double(BFloat16 v) { return bfloat16_to_float(v.bits); }

template <typename T> T from_double(double v) { return static_cast<T>(v); }
template <> Half from_double(double v) { return Half{float_to_half(static_cast<float>(v))}; }
template <> BFloat16 from_double(double v) { return BFloat16{float_to_bfloat16(static_cast<float>(v))}; }
template <> bool from_double(double v) { return v != 0.0; }
// Integers saturate (NaN gives 0), as in the CUDA copy kernels.
template <> int32_t from_double(double v) { return convert::double_to_int32(v); }
template <> int64_t from_double(double v) { return convert::double_to_int64(v); }
template <> uint8_t from_double(double v) { return convert::double_to_uint8(v); }

template <typename F>
void dispatch_any(DType dtype, F&& f) {
  switch (dtype) {
    case DType::Float32: f(float{}); break;
    case DType::Float64: f(double{}); break;
    case DType::Float16: f(Half{}); break;
    case DType::BFloat16: f(BFloat16{}); break;
    case DType::Int32: f(int32_t{}); break;
    case DType::Int64: f(int64_t{}); break;
    case DType::UInt8: f(uint8_t{}); break;
    case DType::Bool: f(bool{}); break;
  }
}

}  // namespace

void CpuBackend::copy(const Tensor& src, const Tensor& dst) {
  if (src.dtype() == dst.dtype() && src.is_contiguous() && dst.is_contiguous()) {
    std::memcpy(dst.raw_data(), src.raw_data(), static_cast<size_t>(src.numel()) * dtype_size(src.dtype()));
    return;
  }
  cpu::StridedLoop<2> loop(dst.shape(), {&dst.strides(), &src.strides()});
  dispatch_any(src.dtype(), [&](auto s_tag) {
    using S = decltype(s_tag);
    dispatch_any(dst.dtype(), [&](auto d_tag) {
      using D = decltype(d_tag);
      const S* s = static_cast<const S*>(src.raw_data());
      D* d = static_cast<D*>(dst.raw_data());
      loop.run([&](const std::array<int64_t, 2>& off, int64_t count, const std::array<int64_t, 2>& step) {
        if constexpr (std::is_same_v<S, D>) {
          // A run packed on both sides (the rows of a permuted tensor): one memcpy.
          if (step[0] == 1 && step[1] == 1) {
            std::memcpy(d + off[0], s + off[1], static_cast<size_t>(count) * sizeof(S));
            return;
          }
        }
        for (int64_t i = 0; i < count; ++i) {
          if constexpr (std::is_same_v<S, D>) {
            d[off[0] + i * step[0]] = s[off[1] + i * step[1]];
          } else {
            d[off[0] + i * step[0]] = from_double<D>(to_double(s[off[1] + i * step[1]]));
          }
        }
      });
    });
  });
}

void CpuBackend::fill(const Tensor& dst, double value) {
  dispatch_any(dst.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T v = from_double<T>(value);
    T* d = static_cast<T*>(dst.raw_data());
    const int64_t n = dst.numel();
#pragma omp parallel for schedule(static) if (n > cpu::kParallelGrain)
    for (int64_t i = 0; i < n; ++i) d[i] = v;
  });
}

}  // namespace nlammr
