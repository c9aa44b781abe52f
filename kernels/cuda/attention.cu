// Fused scaled dot-product attention in the manner of FlashAttention-2 (Dao,
// 2023), computing what kernels/cpu/attention.cpp computes.
//
// Forward: one block of 128 threads per (batch*head, tile of block_q
// queries). The block streams over tiles of block_k keys; per tile, in four
// phases separated by barriers:
//   1. load the key and value tiles into shared memory,
//   2. scores S = scale * Q K^T (masked or missing keys get -inf),
//   3. online softmax, one warp per query row: the new running maximum m, the
//      factor exp(m_old - m_new) that rescales what was accumulated so far,
//      P = exp(S - m) and the running denominator l,
//   4. acc = acc * exp(m_old - m_new) + P V.
// At the end out = acc / l and lse = m + log(l) are written; the Sq x Sk
// matrix of scores never exists outside one tile. A query whose keys are all
// masked ends with l = 0: output 0, lse -inf.
//
// Backward, deterministic without atomics: P is recomputed tile by tile from
// the saved lse, P = exp(S - lse), and with D = rowsum(dO * O),
//   dV = P^T dO,  dP = dO V^T,  dS = P * (dP - D),  dQ = scale dS K,  dK = scale dS^T Q.
// One kernel gives each key tile to one block, which loops over all query
// tiles and owns its dK and dV rows; a second kernel gives each query tile to
// one block, which loops over all key tiles and owns its dQ rows. Every
// output element has one writer that adds its terms in a fixed order, so the
// gradients have the same bits on every run (P and dP are computed twice, the
// price of determinism).
//
// Simplicity over speed: the tiles live in shared memory in the
// accumulation type (float32 for float32 and bfloat16 inputs, float64 for
// float64) and the products run on CUDA cores, one multiply-add per shared
// load pair; no tensor cores, no register tiling. Head dims 32, 64 and 128
// are compiled with a constant head dim (the inner loops unroll); any other
// head dim takes the same kernel with a run-time one.
#include <cuda_bf16.h>

#include <climits>
#include <type_traits>

#include "kernels/cuda/attention_tiles.h"
#include "kernels/cuda/cuda_backend_impl.cuh"
#include "kernels/cuda/device_utils.cuh"
#include "kernels/cuda/row_group.cuh"

namespace nlammr::cuda {
namespace {

__device__ __forceinline__ float to_acc(__nv_bfloat16 v) { return __bfloat162float(v); }
__device__ __forceinline__ float to_acc(float v) { return v; }
__device__ __forceinline__ double to_acc(double v) { return v; }

template <typename In>
__device__ __forceinline__ In from_acc(float v);
template <>
__device__ __forceinline__ __nv_bfloat16 from_acc<__nv_bfloat16>(float v) {
  return __float2bfloat16_rn(v);
}
template <>
__device__ __forceinline__ float from_acc<float>(float v) {
  return v;
}
template <typename In>
__device__ __forceinline__ In from_acc(double v) {
  return v;
}

__device__ __forceinline__ int64_t tiles_of(int64_t n, int tile) { return (n + tile - 1) / tile; }

template <typename In, typename Acc>
struct ForwardParams {
  const In *q, *k, *v;
  const uint8_t* mask;  // [batch, sk] or null
  In* out;
  Acc* lse;
  int64_t heads, sq, sk;
  int d, block_q, block_k;
  Acc scale;
};

template <typename In, typename Acc, int kD>
__global__ void __launch_bounds__(kAttentionThreads) attention_forward_kernel(ForwardParams<In, Acc> p) {
  NLAMMR_DYNAMIC_SHARED(smem_raw);
  Acc* smem = reinterpret_cast<Acc*>(smem_raw);
  const int d = kD > 0 ? kD : p.d;
  const int bq = p.block_q, bk = p.block_k;
  const AttentionSmem L = attention_smem(AttentionPass::Forward, bq, bk, d);
  Acc* sq = smem + L.q;
  Acc* sk = smem + L.k;
  Acc* sv = smem + L.v;
  Acc* sp = smem + L.p;
  Acc* acc = smem + L.acc;
  Acc* row_max = smem + L.row_max;
  Acc* row_sum = smem + L.row_sum;
  Acc* row_scale = smem + L.row_scale;
  const int tid = threadIdx.x, lane = tid % kWarpSize, warp = tid / kWarpSize, warps = blockDim.x / kWarpSize;
  const Acc neg_inf = neg_infinity<Acc>();

  const int64_t q_tiles = tiles_of(p.sq, bq);
  const int64_t bh = blockIdx.x / q_tiles, q0 = (blockIdx.x % q_tiles) * bq;
  const int rows = static_cast<int>(min(static_cast<int64_t>(bq), p.sq - q0));
  const In* q = p.q + (bh * p.sq + q0) * d;
  const In* k = p.k + bh * p.sk * d;
  const In* v = p.v + bh * p.sk * d;
  const uint8_t* mask = p.mask ? p.mask + (bh / p.heads) * p.sk : nullptr;

  for (int e = tid; e < bq * d; e += blockDim.x) {
    const int r = e / d;
    sq[e] = r < rows ? to_acc(q[e]) : Acc(0);
    acc[e] = Acc(0);
  }
  for (int r = tid; r < bq; r += blockDim.x) row_max[r] = neg_inf, row_sum[r] = Acc(0);

  for (int64_t k0 = 0; k0 < p.sk; k0 += bk) {
    const int cols = static_cast<int>(min(static_cast<int64_t>(bk), p.sk - k0));
    // 1. Key and value tiles (rows past the end are zero).
    for (int e = tid; e < bk * d; e += blockDim.x) {
      const int j = e / d, c = e % d;
      const bool in = j < cols;
      sk[j * L.ldk + c] = in ? to_acc(k[(k0 + j) * d + c]) : Acc(0);
      sv[j * d + c] = in ? to_acc(v[(k0 + j) * d + c]) : Acc(0);
    }
    __syncthreads();
    // 2. Scores.
    for (int e = tid; e < bq * bk; e += blockDim.x) {
      const int r = e / bk, j = e % bk;
      Acc s = neg_inf;
      if (j < cols && (!mask || mask[k0 + j])) {
        const Acc* qr = sq + r * d;
        const Acc* kr = sk + j * L.ldk;
        Acc dot = Acc(0);
        for (int c = 0; c < d; ++c) dot += qr[c] * kr[c];
        s = dot * p.scale;
      }
      sp[r * L.lds + j] = s;
    }
    __syncthreads();
    // 3. Online softmax, one warp per query row.
    for (int r = warp; r < bq; r += warps) {
      Acc* pr = sp + r * L.lds;
      Acc tile_max = neg_inf;
      for (int j = lane; j < cols; j += kWarpSize) tile_max = max_keep(tile_max, pr[j]);
      tile_max = warp_max(tile_max);
      const Acc m_old = row_max[r];
      const Acc m_new = max_keep(m_old, tile_max);
      Acc rescale = Acc(1), tile_sum = Acc(0);
      if (m_new == neg_inf) {  // every key so far masked: nothing to add
        for (int j = lane; j < cols; j += kWarpSize) pr[j] = Acc(0);
      } else {
        rescale = dev_exp(m_old - m_new);  // exp(-inf) = 0 on the first unmasked tile
        for (int j = lane; j < cols; j += kWarpSize) {
          const Acc e = dev_exp(pr[j] - m_new);
          pr[j] = e;
          tile_sum += e;
        }
      }
      tile_sum = warp_sum(tile_sum);
      __syncwarp();  // every lane has read row_max[r] (m_old) before lane 0 overwrites it
      if (lane == 0) {
        row_sum[r] = row_sum[r] * rescale + tile_sum;
        row_max[r] = m_new;
        row_scale[r] = rescale;
      }
    }
    __syncthreads();
    // 4. acc = acc * rescale + P V.
    for (int e = tid; e < bq * d; e += blockDim.x) {
      const int r = e / d, c = e % d;
      const Acc* pr = sp + r * L.lds;
      Acc a = Acc(0);
      for (int j = 0; j < cols; ++j) a += pr[j] * sv[j * d + c];
      acc[e] = acc[e] * row_scale[r] + a;
    }
    __syncthreads();
  }
  __syncthreads();  // (for sk == 0: the initialisation above must be visible)
  In* out = p.out + (bh * p.sq + q0) * d;
  for (int e = tid; e < rows * d; e += blockDim.x) {
    const Acc l = row_sum[e / d];
    out[e] = from_acc<In>(l > Acc(0) ? acc[e] / l : Acc(0));
  }
  for (int r = tid; r < rows; r += blockDim.x) {
    const Acc l = row_sum[r];
    p.lse[bh * p.sq + q0 + r] = l > Acc(0) ? row_max[r] + dev_log(l) : neg_inf;
  }
}

template <typename T>
struct BackwardParams {
  const T *q, *k, *v, *gout, *lse, *dsum;
  const uint8_t* mask;
  T *gq, *gk, *gv;
  int64_t heads, sq, sk;
  int d, block_q, block_k;
  T scale;
};

// D[row] = sum_c dO[row, c] * O[row, c], one warp per row.
template <typename T>
__global__ void attention_dsum_kernel(const T* gout, const T* out, T* dsum, int64_t rows, int64_t d) {
  const int lane = threadIdx.x % kWarpSize;
  for (int64_t r = global_warp(); r < rows; r += total_warps()) {
    T acc = T(0);
    for (int64_t c = lane; c < d; c += kWarpSize) acc += gout[r * d + c] * out[r * d + c];
    acc = warp_sum(acc);
    if (lane == 0) dsum[r] = acc;
  }
}

// P[r, j] = exp(scale * q_r . k_j - lse_r), 0 for masked/missing keys and
// for rows with no distribution (lse = -inf).
template <typename T>
__device__ __forceinline__ T recompute_p(const T* qr, const T* kr, int d, T scale, T row_lse, bool key_ok) {
  if (!key_ok || row_lse == neg_infinity<T>()) return T(0);
  T dot = T(0);
  for (int c = 0; c < d; ++c) dot += qr[c] * kr[c];
  return dev_exp(dot * scale - row_lse);
}

template <typename T, int kD>
__global__ void __launch_bounds__(kAttentionThreads) attention_backward_keys_kernel(BackwardParams<T> p) {
  NLAMMR_DYNAMIC_SHARED(smem_raw);
  T* smem = reinterpret_cast<T*>(smem_raw);
  const int d = kD > 0 ? kD : p.d;
  const int bq = p.block_q, bk = p.block_k;
  const AttentionSmem L = attention_smem(AttentionPass::BackwardKeys, bq, bk, d);
  T* sk = smem + L.k;
  T* sv = smem + L.v;
  T* sq = smem + L.q;
  T* sdo = smem + L.dout;
  T* sp = smem + L.p;
  T* sds = smem + L.ds;
  T* dk = smem + L.acc;
  T* dv = smem + L.acc2;
  T* slse = smem + L.row_lse;
  T* sdsum = smem + L.row_dsum;
  const int tid = threadIdx.x;

  const int64_t k_tiles = tiles_of(p.sk, bk);
  const int64_t bh = blockIdx.x / k_tiles, k0 = (blockIdx.x % k_tiles) * bk;
  const int cols = static_cast<int>(min(static_cast<int64_t>(bk), p.sk - k0));
  const T* q = p.q + bh * p.sq * d;
  const T* gout = p.gout + bh * p.sq * d;
  const T* lse = p.lse + bh * p.sq;
  const T* dsum = p.dsum + bh * p.sq;
  const uint8_t* mask = p.mask ? p.mask + (bh / p.heads) * p.sk + k0 : nullptr;

  for (int e = tid; e < bk * d; e += blockDim.x) {
    const int j = e / d, c = e % d;
    const bool in = j < cols;
    sk[j * L.ldk + c] = in ? p.k[(bh * p.sk + k0 + j) * d + c] : T(0);
    sv[j * L.ldk + c] = in ? p.v[(bh * p.sk + k0 + j) * d + c] : T(0);
    dk[e] = T(0);
    dv[e] = T(0);
  }
  for (int64_t q0 = 0; q0 < p.sq; q0 += bq) {
    const int rows = static_cast<int>(min(static_cast<int64_t>(bq), p.sq - q0));
    for (int e = tid; e < bq * d; e += blockDim.x) {
      const bool in = e / d < rows;
      sq[e] = in ? q[q0 * d + e] : T(0);
      sdo[e] = in ? gout[q0 * d + e] : T(0);
    }
    for (int r = tid; r < bq; r += blockDim.x) {
      slse[r] = r < rows ? lse[q0 + r] : neg_infinity<T>();
      sdsum[r] = r < rows ? dsum[q0 + r] : T(0);
    }
    __syncthreads();
    for (int e = tid; e < bq * bk; e += blockDim.x) {
      const int r = e / bk, j = e % bk;
      const bool key_ok = j < cols && (!mask || mask[j]);
      sp[r * L.lds + j] = recompute_p(sq + r * d, sk + j * L.ldk, d, p.scale, slse[r], key_ok);
    }
    __syncthreads();
    // dV += P^T dO, and dS = P * (dO V^T - D).
    for (int e = tid; e < bk * d; e += blockDim.x) {
      const int j = e / d, c = e % d;
      T a = T(0);
      for (int r = 0; r < rows; ++r) a += sp[r * L.lds + j] * sdo[r * d + c];
      dv[e] += a;
    }
    for (int e = tid; e < bq * bk; e += blockDim.x) {
      const int r = e / bk, j = e % bk;
      const T* dor = sdo + r * d;
      const T* vr = sv + j * L.ldk;
      T dp = T(0);
      for (int c = 0; c < d; ++c) dp += dor[c] * vr[c];
      sds[r * L.lds + j] = sp[r * L.lds + j] * (dp - sdsum[r]);
    }
    __syncthreads();
    // dK += scale * dS^T Q.
    for (int e = tid; e < bk * d; e += blockDim.x) {
      const int j = e / d, c = e % d;
      T a = T(0);
      for (int r = 0; r < rows; ++r) a += sds[r * L.lds + j] * sq[r * d + c];
      dk[e] += p.scale * a;
    }
    __syncthreads();
  }
  __syncthreads();  // (for sq == 0: the zeroed accumulators must be visible)
  for (int e = tid; e < cols * d; e += blockDim.x) {
    p.gk[(bh * p.sk + k0) * d + e] = dk[e];
    p.gv[(bh * p.sk + k0) * d + e] = dv[e];
  }
}

template <typename T, int kD>
__global__ void __launch_bounds__(kAttentionThreads) attention_backward_queries_kernel(BackwardParams<T> p) {
  NLAMMR_DYNAMIC_SHARED(smem_raw);
  T* smem = reinterpret_cast<T*>(smem_raw);
  const int d = kD > 0 ? kD : p.d;
  const int bq = p.block_q, bk = p.block_k;
  const AttentionSmem L = attention_smem(AttentionPass::BackwardQueries, bq, bk, d);
  T* sq = smem + L.q;
  T* sdo = smem + L.dout;
  T* sk = smem + L.k;
  T* sv = smem + L.v;
  T* sds = smem + L.ds;
  T* dq = smem + L.acc;
  T* slse = smem + L.row_lse;
  T* sdsum = smem + L.row_dsum;
  const int tid = threadIdx.x;

  const int64_t q_tiles = tiles_of(p.sq, bq);
  const int64_t bh = blockIdx.x / q_tiles, q0 = (blockIdx.x % q_tiles) * bq;
  const int rows = static_cast<int>(min(static_cast<int64_t>(bq), p.sq - q0));
  const T* k = p.k + bh * p.sk * d;
  const T* v = p.v + bh * p.sk * d;
  const uint8_t* mask = p.mask ? p.mask + (bh / p.heads) * p.sk : nullptr;

  for (int e = tid; e < bq * d; e += blockDim.x) {
    const bool in = e / d < rows;
    sq[e] = in ? p.q[(bh * p.sq + q0) * d + e] : T(0);
    sdo[e] = in ? p.gout[(bh * p.sq + q0) * d + e] : T(0);
    dq[e] = T(0);
  }
  for (int r = tid; r < bq; r += blockDim.x) {
    slse[r] = r < rows ? p.lse[bh * p.sq + q0 + r] : neg_infinity<T>();
    sdsum[r] = r < rows ? p.dsum[bh * p.sq + q0 + r] : T(0);
  }
  for (int64_t k0 = 0; k0 < p.sk; k0 += bk) {
    const int cols = static_cast<int>(min(static_cast<int64_t>(bk), p.sk - k0));
    for (int e = tid; e < bk * d; e += blockDim.x) {
      const int j = e / d, c = e % d;
      const bool in = j < cols;
      sk[j * L.ldk + c] = in ? k[(k0 + j) * d + c] : T(0);
      sv[j * L.ldk + c] = in ? v[(k0 + j) * d + c] : T(0);
    }
    __syncthreads();
    // dS = P * (dO V^T - D).
    for (int e = tid; e < bq * bk; e += blockDim.x) {
      const int r = e / bk, j = e % bk;
      const bool key_ok = j < cols && (!mask || mask[k0 + j]);
      const T pr = recompute_p(sq + r * d, sk + j * L.ldk, d, p.scale, slse[r], key_ok);
      const T* dor = sdo + r * d;
      const T* vr = sv + j * L.ldk;
      T dp = T(0);
      for (int c = 0; c < d; ++c) dp += dor[c] * vr[c];
      sds[r * L.lds + j] = pr * (dp - sdsum[r]);
    }
    __syncthreads();
    // dQ += scale * dS K.
    for (int e = tid; e < bq * d; e += blockDim.x) {
      const int r = e / d, c = e % d;
      T a = T(0);
      for (int j = 0; j < cols; ++j) a += sds[r * L.lds + j] * sk[j * L.ldk + c];
      dq[e] += p.scale * a;
    }
    __syncthreads();
  }
  __syncthreads();  // (for sk == 0)
  for (int e = tid; e < rows * d; e += blockDim.x) p.gq[(bh * p.sq + q0) * d + e] = dq[e];
}

// Calls f(std::integral_constant<int, D>) with D the compiled head dim, or 0
// (run-time head dim) for any other.
template <typename F>
void dispatch_head_dim(int64_t d, F&& f) {
  switch (d) {
    case 32:
      f(std::integral_constant<int, 32>{});
      break;
    case 64:
      f(std::integral_constant<int, 64>{});
      break;
    case 128:
      f(std::integral_constant<int, 128>{});
      break;
    default:
      f(std::integral_constant<int, 0>{});
      break;
  }
}

AttentionTiles tiles_for(AttentionPass pass, int64_t d, size_t elem_bytes, size_t smem_limit,
                         const char* what) {
  const AttentionTiles tiles = d > 0 && d <= 4096
                                   ? choose_attention_tiles(pass, static_cast<int>(d), elem_bytes, smem_limit)
                                   : AttentionTiles{};
  if (!tiles.valid())
    throw std::runtime_error(std::string(what) + ": head dim " + std::to_string(d) +
                             " needs more shared memory than " + "the device's " +
                             std::to_string(smem_limit) + " bytes per block");
  return tiles;
}

unsigned grid_of(int64_t bh, int64_t length, int tile, const char* what) {
  const int64_t blocks = bh * ((length + tile - 1) / tile);
  if (blocks > INT_MAX)
    throw std::runtime_error(std::string(what) + ": too many blocks (" + std::to_string(blocks) + ")");
  return static_cast<unsigned>(blocks);
}

template <typename Kernel>
void allow_shared_memory(Kernel kernel, size_t bytes) {
  if (bytes > 48 * 1024)
    NLAMMR_CUDA_CHECK(
        cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(bytes)));
}

template <typename In, typename Acc, int kD>
void launch_forward(const ForwardParams<In, Acc>& p, int64_t bh, size_t smem_bytes, cudaStream_t stream) {
  auto kernel = attention_forward_kernel<In, Acc, kD>;
  allow_shared_memory(kernel, smem_bytes);
  launch("attention_forward_kernel", kernel, grid_of(bh, p.sq, p.block_q, "attention"), kAttentionThreads,
         smem_bytes, stream, p);
}

// The forward for any input type: In = float, double or __nv_bfloat16.
template <typename In, typename Acc>
void attention_forward_impl(CudaBackend& be, const AttentionShape& s, const In* q, const In* k, const In* v,
                            const uint8_t* mask, double scale, In* out, Acc* lse, const std::string& shapes) {
  if (s.batch * s.heads * s.sq == 0) return;
  const AttentionTiles tiles =
      tiles_for(AttentionPass::Forward, s.d, sizeof(Acc), be.max_shared_memory_per_block(), "attention");
  ForwardParams<In, Acc> p{q,
                           k,
                           v,
                           mask,
                           out,
                           lse,
                           s.heads,
                           s.sq,
                           s.sk,
                           static_cast<int>(s.d),
                           tiles.block_q,
                           tiles.block_k,
                           static_cast<Acc>(scale)};
  if constexpr (std::is_same<Acc, double>::value) {  // float64 (gradient checks): generic head dim only
    launch_forward<In, Acc, 0>(p, s.batch * s.heads, tiles.smem_bytes, be.stream());
  } else {
    dispatch_head_dim(s.d, [&](auto dim) {
      launch_forward<In, Acc, decltype(dim)::value>(p, s.batch * s.heads, tiles.smem_bytes, be.stream());
    });
  }
  NLAMMR_CUDA_LAUNCH_CHECK(
      be.stream(), "attention",
      shapes + " tiles " + std::to_string(tiles.block_q) + "x" + std::to_string(tiles.block_k));
}

AttentionShape shape_of(const Tensor& q, const Tensor& k) {
  return {q.size(0), q.size(1), q.size(2), k.size(2), q.size(3)};
}

template <typename T, int kD>
void launch_backward(const BackwardParams<T>& pk, const BackwardParams<T>& pq, int64_t bh, size_t smem_keys,
                     size_t smem_queries, cudaStream_t stream) {
  if (pk.sk > 0) {
    auto keys = attention_backward_keys_kernel<T, kD>;
    allow_shared_memory(keys, smem_keys);
    launch("attention_backward_keys_kernel", keys, grid_of(bh, pk.sk, pk.block_k, "attention backward"),
           kAttentionThreads, smem_keys, stream, pk);
  }
  if (pq.sq > 0) {
    auto queries = attention_backward_queries_kernel<T, kD>;
    allow_shared_memory(queries, smem_queries);
    launch("attention_backward_queries_kernel", queries, grid_of(bh, pq.sq, pq.block_q, "attention backward"),
           kAttentionThreads, smem_queries, stream, pq);
  }
}

}  // namespace

void CudaBackend::attention_forward(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& key_mask,
                                    double scale, const Tensor& out, const Tensor& lse) {
  activate();
  const AttentionShape s = shape_of(q, k);
  const uint8_t* mask = key_mask.defined() ? ptr<uint8_t>(key_mask) : nullptr;
  const std::string shapes = describe({q, k, v, key_mask});
  dispatch_float(q.dtype(), "attention", [&](auto tag) {
    using T = decltype(tag);
    attention_forward_impl<T, T>(*this, s, ptr<T>(q), ptr<T>(k), ptr<T>(v), mask, scale, ptr<T>(out),
                                 ptr<T>(lse), shapes);
  });
}

void CudaBackend::attention_backward(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& out,
                                     const Tensor& lse, const Tensor& gout, const Tensor& key_mask,
                                     double scale, const Tensor& gq, const Tensor& gk, const Tensor& gv) {
  activate();
  const AttentionShape s = shape_of(q, k);
  const int64_t bh = s.batch * s.heads;
  if (bh == 0 || s.d == 0) {  // nothing to differentiate; the gradients are (empty or) zero
    fill(gq, 0.0), fill(gk, 0.0), fill(gv, 0.0);
    return;
  }
  const uint8_t* mask = key_mask.defined() ? ptr<uint8_t>(key_mask) : nullptr;
  auto shapes = [&] { return describe({q, k, v, key_mask, gout}); };
  dispatch_float(q.dtype(), "attention backward", [&](auto tag) {
    using T = decltype(tag);
    DeviceBuffer dsum = scratch(sizeof(T) * bh * s.sq);
    if (s.sq > 0) {
      launch("attention_dsum_kernel", attention_dsum_kernel<T>, grid_blocks(bh * s.sq, kWarpsPerBlock),
             kBlockThreads, 0, stream_, ptr<T>(gout), ptr<T>(out), dsum.as<T>(), bh * s.sq, s.d);
      NLAMMR_CUDA_LAUNCH_CHECK(stream_, "attention backward (rowsum dO*O)", shapes());
    }
    const AttentionTiles keys =
        tiles_for(AttentionPass::BackwardKeys, s.d, sizeof(T), smem_optin_, "attention backward");
    const AttentionTiles queries =
        tiles_for(AttentionPass::BackwardQueries, s.d, sizeof(T), smem_optin_, "attention backward");
    BackwardParams<T> pk{ptr<T>(q),
                         ptr<T>(k),
                         ptr<T>(v),
                         ptr<T>(gout),
                         ptr<T>(lse),
                         dsum.as<T>(),
                         mask,
                         ptr<T>(gq),
                         ptr<T>(gk),
                         ptr<T>(gv),
                         s.heads,
                         s.sq,
                         s.sk,
                         static_cast<int>(s.d),
                         keys.block_q,
                         keys.block_k,
                         static_cast<T>(scale)};
    BackwardParams<T> pq = pk;
    pq.block_q = queries.block_q, pq.block_k = queries.block_k;
    if constexpr (std::is_same<T, double>::value) {
      launch_backward<T, 0>(pk, pq, bh, keys.smem_bytes, queries.smem_bytes, stream_);
    } else {
      dispatch_head_dim(s.d, [&](auto dim) {
        launch_backward<T, decltype(dim)::value>(pk, pq, bh, keys.smem_bytes, queries.smem_bytes, stream_);
      });
    }
    NLAMMR_CUDA_LAUNCH_CHECK(stream_, "attention backward",
                             shapes() + " tiles " + std::to_string(keys.block_q) + "x" +
                                 std::to_string(keys.block_k) + " / " + std::to_string(queries.block_q) +
                                 "x" + std::to_string(queries.block_k));
  });
}

void attention_forward_bf16(const AttentionShape& shape, const void* q, const void* k, const void* v,
                            const uint8_t* key_mask, double scale, void* out, float* lse, int device) {
  CudaBackend& be = backend_of(device);
  be.activate();
  attention_forward_impl<__nv_bfloat16, float>(
      be, shape, static_cast<const __nv_bfloat16*>(q), static_cast<const __nv_bfloat16*>(k),
      static_cast<const __nv_bfloat16*>(v), key_mask, scale, static_cast<__nv_bfloat16*>(out), lse,
      "bf16 q/k/v " + shape_str({shape.batch, shape.heads, shape.sq, shape.d}));
}

}  // namespace nlammr::cuda
