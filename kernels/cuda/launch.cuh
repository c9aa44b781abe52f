// The one way kernels are launched, for both compilers: nvcc turns launch()
// into the usual <<<grid, block, shared, stream>>> launch; the host compiler
// with the simulator (NLAMMR_CUDA_SIM, kernels/cuda_sim) runs the kernel on
// simulated threads. The name is what launch errors and the simulator's
// reports and metrics call the kernel.
#pragma once

#include <cuda_runtime.h>

#include <tuple>
#include <utility>

// Dynamic shared memory of a kernel (the size is given at launch).
#ifdef NLAMMR_CUDA_SIM
#define NLAMMR_DYNAMIC_SHARED(name) unsigned char* const name = ::cudasim::dynamic_shared()
#else
#define NLAMMR_DYNAMIC_SHARED(name) extern __shared__ __align__(16) unsigned char name[]
#endif

namespace nlammr::cuda {

template <typename... Params, typename... Args>
void launch(const char* name, void (*kernel)(Params...), dim3 grid, dim3 block, size_t shared_bytes,
            cudaStream_t stream, Args&&... args) {
#ifdef NLAMMR_CUDA_SIM
  (void)stream;  // simulated streams run their work at once, in order
  ::cudasim::LaunchClosure<Params...> closure{kernel, std::tuple<Params...>(std::forward<Args>(args)...)};
  if (!::cudasim::launch(name, grid, block, shared_bytes, &::cudasim::LaunchClosure<Params...>::run,
                         &closure))
    ::cudasim::set_launch_error(cudaErrorLaunchFailure);
#else
  (void)name;
  kernel<<<grid, block, shared_bytes, stream>>>(std::forward<Args>(args)...);
#endif
}

}  // namespace nlammr::cuda
