// The build without CUDA: no NCCL (device_reducer_nccl.cu replaces this file
// in CUDA builds).
#include <stdexcept>

#include "dist/device_reducer.h"

namespace nlammr::dist {

bool nccl_available() { return false; }
std::unique_ptr<DeviceReducer> make_nccl_reducer(Communicator&, int) {
  throw std::runtime_error("NCCL needs the CUDA backend (CMake option NLAMMR_CUDA)");
}

}  // namespace nlammr::dist
