// Sums of GPU buffers across the ranks of a job, without a trip through the
// host: NCCL, bootstrapped over the job's communicator (rank 0 makes the
// ncclUniqueId and broadcasts it). Compiled in every CUDA build.
//
// Like Communicator::allreduce_sum, the sum is formed in rank order: an
// ncclAllGather of every rank's buffer, then one kernel adds the copies
// ((x0 + x1) + x2) + ... for each element, so every rank holds the same bits
// and reruns repeat them (ncclAllReduce's order depends on the algorithm and
// topology NCCL picks).
#pragma once

#include <cstddef>
#include <memory>

#include "dist/communicator.h"

namespace nlammr::dist {

class DeviceReducer {
 public:
  virtual ~DeviceReducer() = default;
  // `data` is device memory of n float32 (or float64) values on this rank's GPU.
  virtual void allreduce_sum(void* data, size_t n, bool float64) = 0;
};

// Whether this build has NCCL (every CUDA build).
bool nccl_available();
// A collective call: every rank of `comm` must make it, each with its own GPU.
// Throws when the build has no CUDA backend or NCCL fails to start.
std::unique_ptr<DeviceReducer> make_nccl_reducer(Communicator& comm, int device_index);

}  // namespace nlammr::dist
