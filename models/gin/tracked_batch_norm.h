// BatchNorm1d that also keeps PyTorch's `num_batches_tracked` buffer.
//
// PyTorch's batch norm counts the training batches it has seen and stores the
// count in its state dict. The count only matters with momentum=None (a
// cumulative average), which the GIN does not use, but keeping the buffer
// makes our state dict and a PyTorch checkpoint of the reference model hold
// exactly the same keys, so either loads into the other strictly.
#pragma once

#include "engine/nn/layers.h"

namespace nlammr {

class TrackedBatchNorm1d : public nn::BatchNorm1d {
 public:
  explicit TrackedBatchNorm1d(int64_t features, DType dtype = DType::Float32);

  // nn::BatchNorm1d::forward, plus one count per training-mode call.
  Tensor forward(const Tensor& x) const;

  Tensor num_batches_tracked;  // int64 scalar
};

}  // namespace nlammr
