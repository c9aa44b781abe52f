// Data-parallel gradients: after every rank's backward over its share of the
// batch, each parameter's gradient becomes the sum over ranks (in rank
// order, the same bits on every rank), so that every rank's optimizer takes
// the same step. Host gradients go through the communicator; GPU gradients
// through NCCL when a device reducer is given.
#pragma once

#include <memory>
#include <vector>

#include "dist/communicator.h"
#include "dist/device_reducer.h"
#include "engine/tensor.h"

namespace nlammr::dist {

class GradientSync {
 public:
  // `device_reducer` may be null (GPU gradients then go through the host).
  GradientSync(Communicator& comm, std::vector<Tensor> params, std::shared_ptr<DeviceReducer> device_reducer = {});
  // Replaces every parameter's gradient by its sum over ranks. A gradient
  // that no rank has stays undefined (as in one process, where the optimizer
  // then skips the parameter); one that some rank lacks counts as zeros there.
  void sum_over_ranks();
  // Parameter values sent per step (the exchange's size, for messages).
  int64_t values_per_step() const;

 private:
  Communicator& comm_;
  std::vector<Tensor> params_;
  std::shared_ptr<DeviceReducer> device_reducer_;
};

}  // namespace nlammr::dist
