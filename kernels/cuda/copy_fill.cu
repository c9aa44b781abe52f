// copy (strided, with dtype conversion) and fill, as kernels/cpu/copy_fill.cpp.
//
// Three paths for copy: packed same-dtype tensors are one cudaMemcpyAsync;
// same-dtype views move elements as raw 1/2/4/8-byte words through the
// strided indexer; different dtypes convert each element through double
// with the CPU's rounding and saturation (the same functions,
// kernels/common/scalar_convert.h).
#include <type_traits>

#include "kernels/common/scalar_convert.h"
#include "kernels/cuda/cuda_backend_impl.cuh"
#include "kernels/cuda/device_utils.cuh"
#include "kernels/cuda/strided_layout.h"

namespace nlammr::cuda {
namespace {

// Raw word of each element size.
template <size_t Bytes>
struct Word;
template <>
struct Word<1> {
  using type = uint8_t;
};
template <>
struct Word<2> {
  using type = uint16_t;
};
template <>
struct Word<4> {
  using type = uint32_t;
};
template <>
struct Word<8> {
  using type = uint64_t;
};

template <typename W>
__global__ void copy_words_kernel(StridedLayout<2> layout, const W* src, W* dst) {
  for (int64_t i = first_index(); i < layout.numel; i += grid_stride()) {
    int64_t off[2];
    layout.offsets(i, off);
    dst[off[0]] = src[off[1]];
  }
}

__device__ double load_as_double(DType dtype, const void* base, int64_t i) {
  switch (dtype) {
    case DType::Float32:
      return static_cast<const float*>(base)[i];
    case DType::Float64:
      return static_cast<const double*>(base)[i];
    case DType::Float16:
      return convert::half_bits_to_float(static_cast<const uint16_t*>(base)[i]);
    case DType::BFloat16:
      return convert::bfloat16_bits_to_float(static_cast<const uint16_t*>(base)[i]);
    case DType::Int32:
      return static_cast<double>(static_cast<const int32_t*>(base)[i]);
    case DType::Int64:
      return static_cast<double>(static_cast<const int64_t*>(base)[i]);
    case DType::UInt8:
      return static_cast<const uint8_t*>(base)[i];
    case DType::Bool:
      return static_cast<const uint8_t*>(base)[i] != 0 ? 1.0 : 0.0;
  }
  return 0.0;
}

__device__ void store_from_double(DType dtype, void* base, int64_t i, double v) {
  switch (dtype) {
    case DType::Float32:
      static_cast<float*>(base)[i] = static_cast<float>(v);
      return;
    case DType::Float64:
      static_cast<double*>(base)[i] = v;
      return;
    case DType::Float16:
      static_cast<uint16_t*>(base)[i] = convert::float_to_half_bits(static_cast<float>(v));
      return;
    case DType::BFloat16:
      static_cast<uint16_t*>(base)[i] = convert::float_to_bfloat16_bits(static_cast<float>(v));
      return;
    case DType::Int32:
      static_cast<int32_t*>(base)[i] = convert::double_to_int32(v);
      return;
    case DType::Int64:
      static_cast<int64_t*>(base)[i] = convert::double_to_int64(v);
      return;
    case DType::UInt8:
      static_cast<uint8_t*>(base)[i] = convert::double_to_uint8(v);
      return;
    case DType::Bool:
      static_cast<uint8_t*>(base)[i] = v != 0.0 ? 1 : 0;
      return;
  }
}

__global__ void convert_kernel(StridedLayout<2> layout, const void* src, DType src_dtype, void* dst,
                               DType dst_dtype) {
  for (int64_t i = first_index(); i < layout.numel; i += grid_stride()) {
    int64_t off[2];
    layout.offsets(i, off);
    store_from_double(dst_dtype, dst, off[0], load_as_double(src_dtype, src, off[1]));
  }
}

template <typename W>
__global__ void fill_kernel(W* dst, int64_t n, W value) {
  for (int64_t i = first_index(); i < n; i += grid_stride()) dst[i] = value;
}

// The bit pattern of `value` stored as `dtype`, computed on the host with the
// same conversion the copy kernel uses.
uint64_t fill_pattern(DType dtype, double value) {
  switch (dtype) {
    case DType::Float32:
      return convert::float_bits(static_cast<float>(value));
    case DType::Float64: {
      uint64_t u;
      memcpy(&u, &value, sizeof u);
      return u;
    }
    case DType::Float16:
      return convert::float_to_half_bits(static_cast<float>(value));
    case DType::BFloat16:
      return convert::float_to_bfloat16_bits(static_cast<float>(value));
    case DType::Int32:
      return static_cast<uint32_t>(convert::double_to_int32(value));
    case DType::Int64:
      return static_cast<uint64_t>(convert::double_to_int64(value));
    case DType::UInt8:
      return convert::double_to_uint8(value);
    case DType::Bool:
      return value != 0.0 ? 1 : 0;
  }
  return 0;
}

template <typename F>
void dispatch_word(size_t bytes, F&& f) {
  switch (bytes) {
    case 1:
      f(Word<1>::type{});
      break;
    case 2:
      f(Word<2>::type{});
      break;
    case 4:
      f(Word<4>::type{});
      break;
    case 8:
      f(Word<8>::type{});
      break;
    default:
      throw std::logic_error("CUDA copy: unexpected element size " + std::to_string(bytes));
  }
}

}  // namespace

void CudaBackend::copy(const Tensor& src, const Tensor& dst) {
  forget_validation(dst);
  if (src.shape() != dst.shape())
    throw std::runtime_error("copy: shapes differ (" + describe({src, dst}) + ")");
  const int64_t n = dst.numel();
  if (n == 0) return;
  activate();
  if (src.dtype() == dst.dtype() && src.is_contiguous() && dst.is_contiguous()) {
    NLAMMR_CUDA_CHECK(cudaMemcpyAsync(dst.raw_data(), src.raw_data(),
                                      static_cast<size_t>(n) * dtype_size(src.dtype()),
                                      cudaMemcpyDeviceToDevice, stream_));
    return;
  }
  const StridedLayout<2> layout = make_strided_layout<2>(dst.shape(), {&dst.strides(), &src.strides()});
  if (src.dtype() == dst.dtype()) {
    dispatch_word(dtype_size(src.dtype()), [&](auto tag) {
      using W = decltype(tag);
      launch("copy_words_kernel", copy_words_kernel<W>, grid_blocks(n), kBlockThreads, 0, stream_, layout,
             static_cast<const W*>(src.raw_data()), static_cast<W*>(dst.raw_data()));
    });
  } else {
    launch("convert_kernel", convert_kernel, grid_blocks(n), kBlockThreads, 0, stream_, layout,
           src.raw_data(), src.dtype(), dst.raw_data(), dst.dtype());
  }
  NLAMMR_CUDA_LAUNCH_CHECK(stream_, "copy", describe({src, dst}));
}

void CudaBackend::fill(const Tensor& dst, double value) {
  forget_validation(dst);
  const int64_t n = dst.numel();
  if (n == 0) return;
  if (!dst.is_contiguous())
    throw std::runtime_error("fill: destination must be contiguous (" + describe({dst}) + ")");
  activate();
  const uint64_t pattern = fill_pattern(dst.dtype(), value);
  dispatch_word(dtype_size(dst.dtype()), [&](auto tag) {
    using W = decltype(tag);
    launch("fill_kernel", fill_kernel<W>, grid_blocks(n), kBlockThreads, 0, stream_,
           static_cast<W*>(dst.raw_data()), n, static_cast<W>(pattern));
  });
  NLAMMR_CUDA_LAUNCH_CHECK(stream_, "fill", describe({dst}));
}

}  // namespace nlammr::cuda
