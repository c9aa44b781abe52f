// Host-side pieces of the CUDA backend, tested on any machine (no GPU
// needed): strided indexing, launch geometry, attention tiling and the caching
// allocator's bookkeeping. (The element conversions of the copy kernels are
// kernels/common/scalar_convert.h, the CPU's too: tests/engine/test_dtype.cpp.)
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <vector>

#include "engine/engine.h"
#include "kernels/cuda/attention_tiles.h"
#include "kernels/cuda/caching_allocator.h"
#include "kernels/cuda/launch_config.h"
#include "kernels/cuda/strided_layout.h"

using namespace nlammr;
using namespace nlammr::cuda;

namespace {

// Offsets of element `linear` computed the slow way from unmerged strides.
int64_t naive_offset(const Shape& shape, const Shape& strides, int64_t linear) {
  int64_t off = 0;
  for (size_t d = shape.size(); d-- > 0;) {
    off += (linear % shape[d]) * strides[d];
    linear /= shape[d];
  }
  return off;
}

void check_layout_matches(const Shape& shape, const Shape& s0, const Shape& s1) {
  const StridedLayout<2> layout = make_strided_layout<2>(shape, {&s0, &s1});
  REQUIRE(layout.numel == shape_numel(shape));
  for (int64_t i = 0; i < layout.numel; ++i) {
    int64_t off[2];
    layout.offsets(i, off);
    CHECK(off[0] == naive_offset(shape, s0, i));
    CHECK(off[1] == naive_offset(shape, s1, i));
  }
}

}  // namespace

TEST_CASE("strided layout: packed tensors merge into one unit-stride dimension") {
  const Shape shape{4, 5, 6};
  const Shape packed = contiguous_strides(shape);
  const StridedLayout<2> layout = make_strided_layout<2>(shape, {&packed, &packed});
  CHECK(layout.ndim == 1);
  CHECK(layout.sizes[0] == 120);
  CHECK(layout.packed());
  check_layout_matches(shape, packed, packed);
}

TEST_CASE("strided layout: transposes, slices and broadcasts give the naive offsets") {
  // A transpose of [5, 7] read into a packed [7, 5] output.
  check_layout_matches({7, 5}, contiguous_strides({7, 5}), {1, 7});
  // A broadcast (stride 0) along the middle dimension, and size-1 dims.
  check_layout_matches({3, 4, 1, 5}, contiguous_strides({3, 4, 1, 5}), {5, 0, 99, 1});
  // A slice of a larger tensor (row stride 10 for rows of 4 elements).
  check_layout_matches({6, 4}, {10, 1}, contiguous_strides({6, 4}));
  // A permuted 4-d view: [2, 3, 4, 5] seen as dims (2, 0, 3, 1).
  const Shape base = contiguous_strides({2, 3, 4, 5});
  check_layout_matches({4, 2, 5, 3}, contiguous_strides({4, 2, 5, 3}), {base[2], base[0], base[3], base[1]});
  const Shape out_strides = contiguous_strides({7, 5}), transposed{1, 7};
  CHECK_FALSE(make_strided_layout<2>({7, 5}, {&out_strides, &transposed}).packed());
}

TEST_CASE("strided layout: scalars, empty tensors and too many dimensions") {
  const Shape none;
  const StridedLayout<1> scalar = make_strided_layout<1>({}, {&none});
  CHECK(scalar.numel == 1);
  int64_t off[1];
  scalar.offsets(0, off);
  CHECK(off[0] == 0);
  const Shape empty_strides = contiguous_strides({3, 0});
  CHECK(make_strided_layout<1>({3, 0}, {&empty_strides}).numel == 0);
  // Eleven dimensions of size 2 whose strides grow inward, so no two merge.
  Shape shape(11, 2), strides(11);
  for (int d = 0; d < 11; ++d) strides[d] = int64_t{1} << (2 * d);
  CHECK_THROWS_AS(make_strided_layout<1>(shape, {&strides}), std::runtime_error);
}

TEST_CASE("launch geometry depends on shapes only and covers the work") {
  CHECK(grid_blocks(1) == 1);
  CHECK(grid_blocks(256) == 1);
  CHECK(grid_blocks(257) == 2);
  CHECK(grid_blocks(int64_t{1} << 40) == static_cast<unsigned>(kMaxGridBlocks));  // grid-stride beyond this
  CHECK(grid_blocks(100, 1) == 100);

  const SumPlan long_row = plan_sum(100000, 1);
  CHECK(long_row.block_per_chunk);
  CHECK(long_row.chunks * long_row.chunk >= 100000);
  CHECK((long_row.chunks - 1) * long_row.chunk < 100000);
  CHECK(long_row.two_stage());
  const SumPlan short_row = plan_sum(100, 1);
  CHECK_FALSE(short_row.block_per_chunk);
  CHECK(short_row.chunks == 1);
  const SumPlan columns = plan_sum(1000, 64);
  CHECK_FALSE(columns.block_per_chunk);
  CHECK(columns.chunks == ceil_div(1000, kSumColChunk));
  CHECK(plan_sum(0, 7).chunks == 1);

  CHECK(max_uses_block_per_row(5000, 1));
  CHECK_FALSE(max_uses_block_per_row(5000, 2));
  CHECK(softmax_uses_warp_per_row(768));
  CHECK_FALSE(softmax_uses_warp_per_row(30522));
  CHECK(loss_partial_blocks(1) == 1);
  CHECK(loss_partial_blocks(kLossItemsPerBlock + 1) == 2);
  CHECK(loss_partial_blocks(int64_t{1} << 40) == kLossMaxBlocks);
}

TEST_CASE("attention shared-memory layout: arrays are disjoint and fit the total") {
  for (AttentionPass pass :
       {AttentionPass::Forward, AttentionPass::BackwardKeys, AttentionPass::BackwardQueries}) {
    for (int d : {32, 64, 80, 128}) {
      const int bq = 32, bk = 16;
      const AttentionSmem s = attention_smem(pass, bq, bk, d);
      CHECK(s.ldk == d + 1);
      CHECK(s.lds == bk + 1);
      // (offset, size) of every array the pass uses; they must tile [0, total).
      std::vector<std::pair<int64_t, int64_t>> arrays;
      const int64_t q_tile = int64_t{bq} * d, kv_tile = int64_t{bk} * s.ldk, scores = int64_t{bq} * s.lds;
      if (pass == AttentionPass::Forward) {
        arrays = {{s.q, q_tile},   {s.k, kv_tile},  {s.v, int64_t{bk} * d}, {s.p, scores},
                  {s.acc, q_tile}, {s.row_max, bq}, {s.row_sum, bq},        {s.row_scale, bq}};
      } else if (pass == AttentionPass::BackwardKeys) {
        arrays = {{s.k, kv_tile},
                  {s.v, kv_tile},
                  {s.q, q_tile},
                  {s.dout, q_tile},
                  {s.p, scores},
                  {s.ds, scores},
                  {s.acc, int64_t{bk} * d},
                  {s.acc2, int64_t{bk} * d},
                  {s.row_lse, bq},
                  {s.row_dsum, bq}};
      } else {
        arrays = {{s.q, q_tile},  {s.dout, q_tile}, {s.k, kv_tile},  {s.v, kv_tile},
                  {s.ds, scores}, {s.acc, q_tile},  {s.row_lse, bq}, {s.row_dsum, bq}};
      }
      std::sort(arrays.begin(), arrays.end());
      int64_t at = 0;
      for (auto [offset, size] : arrays) {
        CHECK(offset == at);  // no gap, no overlap
        at = offset + size;
      }
      CHECK(at == s.total);
    }
  }
}

TEST_CASE("attention tiles: fit the budget when possible, the hard limit otherwise") {
  const size_t a100 = 163 * 1024, h100 = 227 * 1024;
  for (AttentionPass pass :
       {AttentionPass::Forward, AttentionPass::BackwardKeys, AttentionPass::BackwardQueries}) {
    for (int d : {32, 64, 128}) {
      for (size_t elem : {size_t{4}, size_t{8}}) {
        const AttentionTiles t = choose_attention_tiles(pass, d, elem, a100);
        REQUIRE(t.valid());
        CHECK(t.smem_bytes ==
              static_cast<size_t>(attention_smem(pass, t.block_q, t.block_k, d).total) * elem);
        CHECK(t.smem_bytes <= kAttentionSmemBudget);
        // The budget rule makes the choice the same on both GPUs (same summation order).
        const AttentionTiles u = choose_attention_tiles(pass, d, elem, h100);
        CHECK(u.block_q == t.block_q);
        CHECK(u.block_k == t.block_k);
      }
    }
  }
  // Head dim 64 in float32: 64x64 tiles need 20800 floats (83200 bytes), over the
  // budget, so the next candidate, 32 queries x 64 keys (14528 floats), is taken.
  CHECK(attention_smem(AttentionPass::Forward, 64, 64, 64).total == 20800);
  const AttentionTiles d64 = choose_attention_tiles(AttentionPass::Forward, 64, 4, a100);
  CHECK(d64.block_q == 32);
  CHECK(d64.block_k == 64);
  CHECK(d64.smem_bytes == 14528 * 4);
  // Head dim 32 fits the largest tiles.
  const AttentionTiles d32 = choose_attention_tiles(AttentionPass::Forward, 32, 4, a100);
  CHECK(d32.block_q == 64);
  CHECK(d32.block_k == 64);
  // A huge head dim exceeds the budget but still fits the hard limit with small tiles.
  const AttentionTiles big = choose_attention_tiles(AttentionPass::Forward, 1024, 4, a100);
  REQUIRE(big.valid());
  CHECK(big.smem_bytes > kAttentionSmemBudget);
  CHECK(big.smem_bytes <= a100);
  // And beyond that, no tiles at all.
  CHECK_FALSE(choose_attention_tiles(AttentionPass::BackwardKeys, 8192, 8, a100).valid());
}

TEST_CASE("allocation size classes: at most a fifth wasted, monotone, 512-byte granules") {
  CHECK(allocation_size_class(0) == 512);
  CHECK(allocation_size_class(1) == 512);
  CHECK(allocation_size_class(512) == 512);
  CHECK(allocation_size_class(513) == 1024);
  CHECK(allocation_size_class(size_t{1} << 20) == size_t{1} << 20);
  CHECK(allocation_size_class((size_t{1} << 20) + 1) == (size_t{5} << 18));  // 1.25 MiB
  size_t previous = 0;
  for (size_t n = 1; n < (size_t{64} << 20); n = n * 9 / 8 + 1) {
    const size_t c = allocation_size_class(n);
    CHECK(c >= n);
    CHECK(c % 512 == 0);
    CHECK(c >= previous);
    if (n >= 4096) CHECK(static_cast<double>(c - n) < 0.2 * static_cast<double>(c));
    previous = c;
  }
}

TEST_CASE("caching allocator: reuses freed blocks of the same class, empties its cache, tracks the peak") {
  std::vector<void*> live;
  int raw_allocs = 0, raw_frees = 0;
  size_t budget = 64 * 1024;  // a tiny "device"
  size_t used = 0;
  std::map<void*, size_t> sizes;
  CachingAllocator allocator(
      [&](size_t n) -> void* {
        if (used + n > budget) return nullptr;
        ++raw_allocs;
        used += n;
        void* p = std::malloc(n);
        sizes[p] = n;
        return p;
      },
      [&](void* p) {
        ++raw_frees;
        used -= sizes[p];
        sizes.erase(p);
        std::free(p);
      });
  void* a = allocator.allocate(1000);  // class 1024
  void* b = allocator.allocate(3000);  // class 3072
  CHECK(raw_allocs == 2);
  CHECK(allocator.stats().in_use_bytes == 1024 + 3072);
  allocator.deallocate(a);
  CHECK(allocator.stats().cached_bytes == 1024);
  void* c = allocator.allocate(700);  // same class as a: reused
  CHECK(c == a);
  CHECK(raw_allocs == 2);
  CHECK(allocator.stats().reuses == 1);
  void* d = allocator.allocate(2000);  // a different class: a new block
  CHECK(raw_allocs == 3);
  CHECK(allocator.stats().peak_in_use_bytes == 1024 + 3072 + 2048);
  allocator.deallocate(b);
  allocator.deallocate(c);
  allocator.deallocate(d);
  CHECK(allocator.stats().in_use_bytes == 0);
  CHECK(allocator.stats().cached_bytes == 1024 + 3072 + 2048);
  allocator.empty_cache();
  CHECK(raw_frees == 3);
  CHECK(allocator.stats().cached_bytes == 0);
  CHECK(used == 0);

  // Out of memory: the cache is released and the request retried once.
  void* big1 = allocator.allocate(40 * 1024);
  allocator.deallocate(big1);                  // cached, still counted against the device
  void* big2 = allocator.allocate(50 * 1024);  // does not fit next to the cached 40 KiB block
  CHECK(big2 != nullptr);
  CHECK(allocator.stats().cached_bytes == 0);
  CHECK_THROWS_WITH_AS(allocator.allocate(60 * 1024), doctest::Contains("CUDA out of memory"),
                       std::runtime_error);
  allocator.deallocate(big2);
  allocator.deallocate(reinterpret_cast<void*>(0x1234));  // unknown: reported, ignored
  allocator.empty_cache();
  CHECK(used == 0);
}

TEST_CASE("caching allocator: a failing free empties the bins anyway and never throws") {
  // The raw free throws for one block, as cudaFree does after a sticky CUDA
  // error. The cache must not keep any block it tried to free (reusing or
  // freeing one twice would follow), and empty_cache must not throw.
  std::vector<void*> freed;
  void* poisoned = nullptr;
  CachingAllocator allocator([](size_t n) -> void* { return std::malloc(n); },
                             [&](void* p) {
                               if (p == poisoned) throw std::runtime_error("sticky CUDA error");
                               freed.push_back(p);
                               std::free(p);
                             });
  void* a = allocator.allocate(1000);
  void* b = allocator.allocate(1000);
  void* c = allocator.allocate(5000);
  poisoned = b;
  allocator.deallocate(a);
  allocator.deallocate(b);
  allocator.deallocate(c);
  CHECK_NOTHROW(allocator.empty_cache());
  CHECK(allocator.stats().cached_bytes == 0);
  CHECK(freed.size() == 2);  // a and c, b's free failed
  // Nothing of the old cache is handed out again: fresh blocks come from the raw allocator.
  const size_t allocations = allocator.stats().device_allocations;
  void* d = allocator.allocate(1000);
  CHECK(allocator.stats().device_allocations == allocations + 1);
  CHECK(allocator.stats().reuses == 0);
  // A second empty_cache does not touch b again.
  allocator.deallocate(d);
  poisoned = nullptr;
  CHECK_NOTHROW(allocator.empty_cache());
  CHECK(freed.size() == 3);
  std::free(b);
}
