// Tile sizes and shared-memory layout of the fused attention kernels
// (attention.cu). Host code picks the tiles and the byte count to launch
// with; the kernels carve their shared memory with the same function, so the
// two can never disagree. Plain arithmetic, unit-tested without a GPU.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>

#include "kernels/common/host_device.h"

namespace nlammr::cuda {

constexpr int kAttentionThreads = 128;  // four warps per block

enum class AttentionPass : uint8_t {
  Forward,          // one block per query tile: online softmax over key tiles
  BackwardKeys,     // one block per key tile: dK and dV, looping over query tiles
  BackwardQueries,  // one block per query tile: dQ, looping over key tiles
};

// Offsets (in elements of the accumulation type) of each shared array; an
// array a pass does not use has size 0. Key and value tiles have rows padded
// to d + 1 and score tiles to block_k + 1 so that threads reading a column
// hit different banks.
struct AttentionSmem {
  int ldk = 0;  // row stride of key/value tiles
  int lds = 0;  // row stride of score tiles
  int64_t q = 0, k = 0, v = 0, dout = 0;
  int64_t p = 0, ds = 0;                            // [block_q, lds] probabilities / score gradients
  int64_t acc = 0, acc2 = 0;                        // output (or dQ, dK) and dV accumulators
  int64_t row_max = 0, row_sum = 0, row_scale = 0;  // forward: m, l, exp(m_old - m_new)
  int64_t row_lse = 0, row_dsum = 0;                // backward: lse and rowsum(dO * O)
  int64_t total = 0;
};

NLAMMR_HOST_DEVICE AttentionSmem attention_smem(AttentionPass pass, int bq, int bk, int d) {
  AttentionSmem s;
  s.ldk = d + 1;
  s.lds = bk + 1;
  const int64_t q_tile = int64_t{bq} * d, kv_tile = int64_t{bk} * s.ldk, scores = int64_t{bq} * s.lds;
  int64_t at = 0;
  switch (pass) {
    case AttentionPass::Forward:
      s.q = at, at += q_tile;
      s.k = at, at += kv_tile;
      s.v = at, at += int64_t{bk} * d;  // read along rows only: no padding needed
      s.p = at, at += scores;
      s.acc = at, at += q_tile;
      s.row_max = at, at += bq;
      s.row_sum = at, at += bq;
      s.row_scale = at, at += bq;
      break;
    case AttentionPass::BackwardKeys:
      s.k = at, at += kv_tile;
      s.v = at, at += kv_tile;
      s.q = at, at += q_tile;
      s.dout = at, at += q_tile;
      s.p = at, at += scores;
      s.ds = at, at += scores;
      s.acc = at, at += int64_t{bk} * d;   // dK
      s.acc2 = at, at += int64_t{bk} * d;  // dV
      s.row_lse = at, at += bq;
      s.row_dsum = at, at += bq;
      break;
    case AttentionPass::BackwardQueries:
      s.q = at, at += q_tile;
      s.dout = at, at += q_tile;
      s.k = at, at += kv_tile;
      s.v = at, at += kv_tile;
      s.ds = at, at += scores;
      s.acc = at, at += q_tile;  // dQ
      s.row_lse = at, at += bq;
      s.row_dsum = at, at += bq;
      break;
  }
  s.total = at;
  return s;
}

struct AttentionTiles {
  int block_q = 0, block_k = 0;
  size_t smem_bytes = 0;
  bool valid() const { return block_q > 0; }
};

// Shared memory a block aims to stay under, so that two or three blocks fit
// on one SM of an A100/H100; larger head dims fall back to whatever fits the
// device's per-block limit.
constexpr size_t kAttentionSmemBudget = 72 * 1024;

// The first tile pair, in order of preference, whose shared memory fits the
// budget (or failing that the hard per-block limit). Invalid tiles (0, 0)
// when even the smallest does not fit: the head dimension is too large.
inline AttentionTiles choose_attention_tiles(AttentionPass pass, int d, size_t elem_bytes,
                                             size_t smem_limit) {
  static constexpr int kCandidates[][2] = {{64, 64}, {32, 64}, {64, 32}, {32, 32}, {16, 32},
                                           {32, 16}, {16, 16}, {8, 16},  {16, 8},  {8, 8}};
  for (size_t budget : {kAttentionSmemBudget < smem_limit ? kAttentionSmemBudget : smem_limit, smem_limit}) {
    for (const auto& c : kCandidates) {
      const size_t bytes = static_cast<size_t>(attention_smem(pass, c[0], c[1], d).total) * elem_bytes;
      if (bytes <= budget) return {c[0], c[1], bytes};
    }
  }
  return {};
}

}  // namespace nlammr::cuda
