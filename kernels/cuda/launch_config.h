// Launch geometry of the CUDA kernels: plain arithmetic on shapes, kept out
// of the .cu files so that it is unit-tested on machines without a GPU.
//
// Determinism rule: every choice here that decides how a sum is split (into
// chunks, blocks, tiles) depends on the shapes only, never on the device
// (its number of SMs) or on timing, so a reduction adds its terms in the same
// order on every run and every GPU.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace nlammr::cuda {

constexpr int kWarpSize = 32;
constexpr int kBlockThreads = 256;  // the default block size
constexpr int kWarpsPerBlock = kBlockThreads / kWarpSize;
constexpr int64_t kMaxGridBlocks = int64_t{1} << 16;  // grid-stride loops cover the rest

inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Blocks for a grid-stride loop over `items` (at least one block).
inline unsigned grid_blocks(int64_t items, int threads = kBlockThreads) {
  return static_cast<unsigned>(std::clamp<int64_t>(ceil_div(items, threads), 1, kMaxGridBlocks));
}

// ---- sums over the middle axis of [outer, n, inner] ---------------------------------
// A long run (inner == 1) is cut into chunks of kSumRowChunk elements, each
// summed by one block; columns (inner > 1) into chunks of kSumColChunk rows,
// each summed by one thread per column. Partial sums of the chunks are then
// added in chunk order by a second kernel.
constexpr int64_t kSumRowChunk = 16384;
constexpr int64_t kSumColChunk = 256;
constexpr int64_t kBlockPerRowMinimum = 1024;  // shorter rows: one thread per row

struct SumPlan {
  bool block_per_chunk = false;  // inner == 1 and long rows
  int64_t chunk = 0;             // elements (rows of the middle axis) per chunk
  int64_t chunks = 0;
  bool two_stage() const { return chunks > 1; }
};

inline SumPlan plan_sum(int64_t n, int64_t inner) {
  SumPlan plan;
  plan.block_per_chunk = inner == 1 && n >= kBlockPerRowMinimum;
  plan.chunk = plan.block_per_chunk ? kSumRowChunk : kSumColChunk;
  plan.chunks = std::max<int64_t>(1, ceil_div(n, plan.chunk));
  return plan;
}

// Max over the middle axis: one block per row for long rows (inner == 1),
// otherwise one thread per output walking the axis in order.
inline bool max_uses_block_per_row(int64_t n, int64_t inner) {
  return inner == 1 && n >= kBlockPerRowMinimum;
}

// ---- row-wise kernels (softmax, layer norm) ------------------------------------------
// Rows up to this length are handled by one warp each; longer softmax rows by
// one block each.
constexpr int64_t kWarpRowMaximum = 1024;
inline bool softmax_uses_warp_per_row(int64_t n) { return n <= kWarpRowMaximum; }

// LayerNorm parameter gradients: rows are summed in chunks of this many,
// one thread per column, then the chunk partials in order.
constexpr int64_t kLayerNormGradRowChunk = 64;

// ---- fused losses ---------------------------------------------------------------------
// The number of blocks that produce partial sums of a loss over n terms.
constexpr int64_t kLossItemsPerBlock = 4096;
constexpr int64_t kLossMaxBlocks = 1024;
inline int64_t loss_partial_blocks(int64_t n) {
  return std::clamp<int64_t>(ceil_div(n, kLossItemsPerBlock), 1, kLossMaxBlocks);
}

}  // namespace nlammr::cuda
