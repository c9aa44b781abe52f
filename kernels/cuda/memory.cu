// Device memory and host <-> device copies.
//
// Allocation goes through the caching allocator (caching_allocator.h).
// Copies run on the device's stream; a copy to or from host memory waits for
// the stream before returning, so the host buffer can be read or freed right
// away (the engine's host buffers are ordinary pageable memory).
#include "kernels/cuda/cuda_backend_impl.cuh"

namespace nlammr::cuda {

void* CudaBackend::allocate(size_t nbytes) {
  activate();
  return allocator_.allocate(nbytes);
}

void CudaBackend::deallocate(void* ptr, size_t nbytes) {
  validated_.forget(ptr, nbytes ? nbytes : 1);
  allocator_.deallocate(ptr);
}

void CudaBackend::copy_bytes(void* dst, const void* src, size_t nbytes, CopyKind kind) {
  if (nbytes == 0) return;
  if (kind != CopyKind::DeviceToHost) validated_.forget(dst, nbytes);
  activate();
  const cudaMemcpyKind direction = kind == CopyKind::HostToDevice   ? cudaMemcpyHostToDevice
                                   : kind == CopyKind::DeviceToHost ? cudaMemcpyDeviceToHost
                                                                    : cudaMemcpyDeviceToDevice;
  NLAMMR_CUDA_CHECK(cudaMemcpyAsync(dst, src, nbytes, direction, stream_));
  if (kind != CopyKind::DeviceToDevice) NLAMMR_CUDA_CHECK(cudaStreamSynchronize(stream_));
}

}  // namespace nlammr::cuda
