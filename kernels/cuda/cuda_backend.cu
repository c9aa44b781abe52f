// The CUDA backend object of each device, the probe that decides whether CUDA
// is usable at all, error reporting, and the public controls of
// cuda_backend.h.
//
// Running without a GPU: the binary links the static CUDA runtime, which
// loads the driver library at run time. On a machine with no driver the
// first runtime call (cudaGetDeviceCount) simply returns an error; we report
// "no CUDA device: <reason>" and the engine stays on the CPU.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <sstream>
#include <vector>

#include "kernels/cuda/cublas_loader.cuh"
#include "kernels/cuda/cuda_backend_impl.cuh"

namespace nlammr {
namespace cuda {
namespace {

struct Availability {
  bool usable = false;
  int devices = 0;
  std::string reason;  // why not usable
};

Availability probe() {
  Availability a;
  cudaError_t err = cudaGetDeviceCount(&a.devices);
  if (err != cudaSuccess) {
    cudaGetLastError();  // clear the error so that later calls start clean
    a.devices = 0;
    a.reason = std::string("no CUDA device: ") + cudaGetErrorString(err);
    return a;
  }
  if (a.devices == 0) {
    a.reason = "no CUDA device: the driver reports no GPU";
    return a;
  }
  cudaDeviceProp prop{};
  err = cudaGetDeviceProperties(&prop, 0);
  if (err != cudaSuccess) {
    cudaGetLastError();
    a.reason = std::string("no CUDA device: cannot query device 0: ") + cudaGetErrorString(err);
    return a;
  }
  if (prop.major < 8) {
    a.reason = "CUDA device 0 (" + std::string(prop.name) + ") has compute capability " +
               std::to_string(prop.major) + "." + std::to_string(prop.minor) +
               "; this build's kernels need 8.0 or newer (compiled for sm_80 and sm_90)";
    return a;
  }
  // Creating the context is where a broken installation shows itself.
  err = cudaSetDevice(0);
  if (err == cudaSuccess) err = cudaFree(nullptr);
  if (err != cudaSuccess) {
    cudaGetLastError();
    a.reason = std::string("CUDA device 0 is not usable: ") + cudaGetErrorString(err);
    return a;
  }
  a.usable = true;
  return a;
}

const Availability& availability() {
  static const Availability a = probe();
  return a;
}

bool env_flag(const char* name) {
  const char* v = std::getenv(name);
  return v && *v && std::string(v) != "0";
}

std::atomic<bool>& tf32_flag() {
  static std::atomic<bool> flag{env_flag("NLAMMR_CUDA_TF32")};
  return flag;
}

std::atomic<bool>& sync_flag() {
  static std::atomic<bool> flag{env_flag("NLAMMR_CUDA_SYNC")};
  return flag;
}

}  // namespace

// ---- errors ------------------------------------------------------------------------

void throw_cuda_error(const char* call, cudaError_t err, const char* file, int line) {
  throw std::runtime_error(std::string("CUDA error in ") + call + " (" + file + ":" + std::to_string(line) +
                           "): " + cudaGetErrorName(err) + ": " + cudaGetErrorString(err));
}

void throw_cublas_error(const char* call, cublasStatus_t status, const char* file, int line) {
  throw std::runtime_error(std::string("cuBLAS error in ") + call + " (" + file + ":" + std::to_string(line) +
                           "): " + cublas_api().status_name(status) + ": " +
                           cublas_api().status_string(status));
}

void throw_kernel_error(const char* kernel, const std::string& shapes, cudaError_t err) {
  throw std::runtime_error(std::string("CUDA kernel ") + kernel + " failed (" + shapes +
                           "): " + cudaGetErrorName(err) + ": " + cudaGetErrorString(err));
}

std::string describe(std::initializer_list<Tensor> tensors) {
  std::ostringstream out;
  bool first = true;
  for (const Tensor& t : tensors) {
    out << (first ? "" : "; ");
    first = false;
    if (!t.defined()) {
      out << "undefined";
      continue;
    }
    out << dtype_name(t.dtype()) << shape_str(t.shape());
    if (!t.is_contiguous()) out << " strides " << shape_str(t.strides());
  }
  return out.str();
}

std::string describe_dims(std::initializer_list<int64_t> dims) { return "dims " + shape_str(Shape(dims)); }

// ---- the backend object -----------------------------------------------------------------

CudaBackend::CudaBackend(int device)
    : device_(device),
      allocator_(
          [this](size_t nbytes) -> void* {
            void* p = nullptr;
            const cudaError_t err = cudaMalloc(&p, nbytes);
            if (err == cudaErrorMemoryAllocation) {
              cudaGetLastError();  // not sticky: clear it, the allocator retries after emptying its cache
              return nullptr;
            }
            if (err != cudaSuccess) throw_cuda_error("cudaMalloc", err, __FILE__, __LINE__);
            return p;
          },
          [this](void* p) {
            // Kernels queued on the stream may still read the block.
            NLAMMR_CUDA_CHECK(cudaStreamSynchronize(stream_));
            NLAMMR_CUDA_CHECK(cudaFree(p));
          }) {
  multi_device_ = availability().devices > 1;
  NLAMMR_CUDA_CHECK(cudaSetDevice(device));
  NLAMMR_CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
  NLAMMR_CUBLAS_CHECK(cublas_api().create(&cublas_));
  NLAMMR_CUBLAS_CHECK(cublas_api().set_stream(cublas_, stream_));
  // Strict float32 unless a call asks for TF32 through its compute type.
  NLAMMR_CUBLAS_CHECK(cublas_api().set_math_mode(cublas_, CUBLAS_DEFAULT_MATH));
  int smem = 0;
  NLAMMR_CUDA_CHECK(cudaDeviceGetAttribute(&smem, cudaDevAttrMaxSharedMemoryPerBlockOptin, device));
  smem_optin_ = static_cast<size_t>(smem);
}

void CudaBackend::activate() const {
  if (multi_device_) NLAMMR_CUDA_CHECK(cudaSetDevice(device_));
}

void CudaBackend::synchronize() {
  activate();
  NLAMMR_CUDA_CHECK(cudaStreamSynchronize(stream_));
}

void CudaBackend::read_back(void* host, const void* device, size_t nbytes) {
  NLAMMR_CUDA_CHECK(cudaMemcpyAsync(host, device, nbytes, cudaMemcpyDeviceToHost, stream_));
  NLAMMR_CUDA_CHECK(cudaStreamSynchronize(stream_));
}

CudaBackend& backend_of(int index) {
  const Availability& a = availability();
  if (!a.usable)
    throw std::runtime_error("device cuda:" + std::to_string(index) + " requested, but " + a.reason);
  if (index < 0 || index >= a.devices)
    throw std::runtime_error("device cuda:" + std::to_string(index) + " requested, but there are only " +
                             std::to_string(a.devices) + " CUDA device(s)");
  // One backend per device, created on first use and never destroyed: tensors
  // in static storage may be freed after main returns, and must still find it.
  // The registry (and its mutex) is leaked for the same reason: a function-local
  // static object would be destroyed at exit, before those late lookups.
  struct Registry {
    std::mutex mutex;
    std::vector<CudaBackend*> backends;
  };
  static Registry* const registry =
      new Registry{{}, std::vector<CudaBackend*>(static_cast<size_t>(a.devices))};
  std::lock_guard<std::mutex> lock(registry->mutex);
  if (!registry->backends[index]) registry->backends[index] = new CudaBackend(index);
  return *registry->backends[index];
}

// ---- public controls (cuda_backend.h) --------------------------------------------------

int device_count() { return availability().devices; }

std::string device_description(int device) {
  backend_of(device);  // throws with the reason when unusable
  cudaDeviceProp prop{};
  NLAMMR_CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
  char text[320];
  std::snprintf(text, sizeof text, "%s (sm_%d%d, %d SMs, %.1f GiB)", prop.name, prop.major, prop.minor,
                prop.multiProcessorCount,
                static_cast<double>(prop.totalGlobalMem) / (1024.0 * 1024.0 * 1024.0));
  return text;
}

MemoryStats memory_stats(int device) { return backend_of(device).allocator().stats(); }
void reset_peak_memory(int device) { backend_of(device).allocator().reset_peak(); }

void empty_cache(int device) {
  CudaBackend& b = backend_of(device);
  b.synchronize();
  b.allocator().empty_cache();
}

void set_tf32(bool enabled) { tf32_flag() = enabled; }
bool tf32_enabled() { return tf32_flag(); }
void set_sync_after_launch(bool enabled) { sync_flag() = enabled; }
bool sync_after_launch() { return sync_flag(); }
void synchronize(int device) { backend_of(device).synchronize(); }

}  // namespace cuda

// ---- engine hooks (engine/backend.cpp) ---------------------------------------------------

// The simulated device (NLAMMR_CUDA_SIM: this file compiled against
// kernels/cuda_sim) has hooks of its own, so that a binary can hold both.
#ifdef NLAMMR_CUDA_SIM
Backend& cuda_sim_backend(int device_index) { return cuda::backend_of(device_index); }
bool cuda_sim_backend_available(std::string* reason) {
#else
Backend& cuda_backend(int device_index) { return cuda::backend_of(device_index); }
bool cuda_backend_available(std::string* reason) {
#endif
  const cuda::Availability& a = cuda::availability();
  if (!a.usable && reason) *reason = a.reason;
  return a.usable;
}

}  // namespace nlammr
