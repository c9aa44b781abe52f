#include "models/gin/tracked_batch_norm.h"

#include "engine/autograd.h"
#include "engine/backend.h"

namespace nlammr {

TrackedBatchNorm1d::TrackedBatchNorm1d(int64_t features, DType dtype)
    : nn::BatchNorm1d(features, 1e-5, 0.1, dtype) {
  num_batches_tracked = register_buffer("num_batches_tracked", Tensor::zeros({}, DType::Int64));
}

Tensor TrackedBatchNorm1d::forward(const Tensor& x) const {
  Tensor y = nn::BatchNorm1d::forward(x);
  if (is_training()) {
    // Buffers are updated outside the graph, like the running statistics.
    NoGradGuard no_grad;
    const int64_t count = num_batches_tracked.item<int64_t>() + 1;
    backend_for(num_batches_tracked.device()).fill(num_batches_tracked, static_cast<double>(count));
  }
  return y;
}

}  // namespace nlammr
