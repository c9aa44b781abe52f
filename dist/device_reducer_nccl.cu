// NCCL implementation of DeviceReducer (CUDA builds).
#include <cuda_runtime.h>
#include <nccl.h>

#include <stdexcept>
#include <string>

#include "dist/device_reducer.h"

namespace nlammr::dist {

namespace {

void check_cuda(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(e));
}
void check_nccl(ncclResult_t r, const char* what) {
  if (r != ncclSuccess) throw std::runtime_error(std::string(what) + ": " + ncclGetErrorString(r));
}

// out[i] = copies[0][i] + copies[1][i] + ... in rank order.
template <typename T>
__global__ void sum_in_rank_order(const T* copies, T* out, size_t n, int ranks) {
  for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<size_t>(gridDim.x) * blockDim.x) {
    T sum = copies[i];
    for (int r = 1; r < ranks; ++r) sum += copies[static_cast<size_t>(r) * n + i];
    out[i] = sum;
  }
}

class NcclReducer final : public DeviceReducer {
 public:
  NcclReducer(Communicator& comm, int device) : ranks_(comm.size()), device_(device) {
    check_cuda(cudaSetDevice(device), "cudaSetDevice");
    ncclUniqueId id{};
    if (comm.is_root()) check_nccl(ncclGetUniqueId(&id), "ncclGetUniqueId");
    comm.broadcast(&id, sizeof id, 0);
    check_nccl(ncclCommInitRank(&nccl_, ranks_, id, comm.rank()), "ncclCommInitRank");
  }
  ~NcclReducer() override {
    if (scratch_) cudaFree(scratch_);
    if (nccl_) ncclCommDestroy(nccl_);
  }

  void allreduce_sum(void* data, size_t n, bool float64) override {
    if (ranks_ == 1 || n == 0) return;
    check_cuda(cudaSetDevice(device_), "cudaSetDevice");
    const size_t elem = float64 ? sizeof(double) : sizeof(float);
    const size_t bytes = n * elem * static_cast<size_t>(ranks_);
    if (bytes > scratch_bytes_) {
      if (scratch_) check_cuda(cudaFree(scratch_), "cudaFree");
      scratch_ = nullptr;
      check_cuda(cudaMalloc(&scratch_, bytes), "cudaMalloc (gradient exchange)");
      scratch_bytes_ = bytes;
    }
    // The default stream: ordered after the kernels that produced `data`.
    cudaStream_t stream = nullptr;
    check_nccl(ncclAllGather(data, scratch_, n, float64 ? ncclFloat64 : ncclFloat32, nccl_, stream),
               "ncclAllGather");
    const int threads = 256;
    const int blocks = static_cast<int>(std::min<size_t>((n + threads - 1) / threads, 4096));
    if (float64)
      sum_in_rank_order<<<blocks, threads, 0, stream>>>(static_cast<const double*>(scratch_),
                                                         static_cast<double*>(data), n, ranks_);
    else
      sum_in_rank_order<<<blocks, threads, 0, stream>>>(static_cast<const float*>(scratch_),
                                                         static_cast<float*>(data), n, ranks_);
    check_cuda(cudaGetLastError(), "sum_in_rank_order");
    check_cuda(cudaStreamSynchronize(stream), "gradient exchange");
  }

 private:
  int ranks_, device_;
  ncclComm_t nccl_ = nullptr;
  void* scratch_ = nullptr;
  size_t scratch_bytes_ = 0;
};

}  // namespace

bool nccl_available() { return true; }
std::unique_ptr<DeviceReducer> make_nccl_reducer(Communicator& comm, int device_index) {
  return std::make_unique<NcclReducer>(comm, device_index);
}

}  // namespace nlammr::dist
