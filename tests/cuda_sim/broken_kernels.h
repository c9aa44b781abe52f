// Deliberately broken CUDA kernels (broken_kernels.cu), the fixtures that
// prove the simulator's checks can fail. Each function allocates what its
// kernel needs, launches it once and frees everything; it returns whether
// the launch reported success.
#pragma once

#include <cstddef>
#include <vector>

namespace nlammr::sim_fixtures {

// Two threads write the same shared-memory word with no barrier between.
bool shared_write_race();
// Threads read a neighbour's shared-memory word that was written without a
// __syncthreads in between (the barrier is missing).
bool missing_barrier();
// __syncthreads inside a branch that only some threads of the block take.
bool barrier_in_divergent_branch();
// Each thread reads in[i + 1] for i < n: the last one reads past the end.
bool out_of_bounds_read();
// A full-warp shuffle mask while half of the warp never calls the shuffle.
bool bad_shuffle_mask();
// One warp writes and reads a column of a 32 x 32 shared tile, with a row
// stride of `stride` floats: 32 puts every lane in the same bank (a 32-way
// bank conflict), 33 (the padded layout) in 32 different banks.
bool shared_column_access(int stride);
// The same shapes done right (barriers, full warps, in bounds): no report.
bool correct_block_sum(double* result);

// Thread 0 of each of 3 blocks writes out[0] without an atomic.
bool global_write_race();
// A histogram with plain `bins[v] += 1` over 4 blocks.
bool plain_histogram();
// The same histogram with atomicAdd: no report; the bins come back.
bool atomic_histogram(std::vector<int>* bins);
// Block 1 reads a word block 0 wrote in the same launch.
bool read_other_blocks_write();
// A kernel reads a cudaMalloc'd buffer whose second half was never written.
bool uninitialised_read();
// cudaMalloc, cudaMemset and cudaMemcpy (host to device, device to device) on
// two 64-byte buffers a and b; the uninitialised bytes after each step.
std::vector<size_t> initialization_after_copies();

}  // namespace nlammr::sim_fixtures
