// See cublas_loader.cuh. The simulator's stand-in functions are taken
// directly (NLAMMR_CUDA_SIM); a real build opens the cuBLAS of the toolkit it
// was compiled with (libcublas.so.<major>).
#include <atomic>
#include <mutex>
#include <stdexcept>
#include <string>

#include "kernels/cuda/cublas_loader.cuh"

#ifndef NLAMMR_CUDA_SIM
#include <dlfcn.h>
#endif

namespace nlammr::cuda {
namespace {

std::atomic<bool> loaded{false};

#ifndef NLAMMR_CUDA_SIM
template <typename F>
void bind(void* lib, const std::string& name, const char* symbol, F& f) {
  void* p = dlsym(lib, symbol);
  if (!p)
    throw std::runtime_error(name + " has no symbol " + symbol + " (a cuBLAS older than this build's?)");
  f = reinterpret_cast<F>(p);
}
#endif

CublasApi load() {
  CublasApi api{};
#ifdef NLAMMR_CUDA_SIM
  api.create = &cublasCreate;
  api.set_stream = &cublasSetStream;
  api.set_math_mode = &cublasSetMathMode;
  api.status_name = &cublasGetStatusName;
  api.status_string = &cublasGetStatusString;
  api.gemm_strided_batched_ex = &cublasGemmStridedBatchedEx;
#else
  const std::string name = "libcublas.so." + std::to_string(CUBLAS_VER_MAJOR);
  void* lib = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char* why = dlerror();
    throw std::runtime_error("the CUDA backend needs cuBLAS, but " + name +
                             " cannot be loaded: " + (why ? why : "unknown error") +
                             " (install the CUDA toolkit's libraries or add them to LD_LIBRARY_PATH)");
  }
  bind(lib, name, "cublasCreate_v2", api.create);
  bind(lib, name, "cublasSetStream_v2", api.set_stream);
  bind(lib, name, "cublasSetMathMode", api.set_math_mode);
  bind(lib, name, "cublasGetStatusName", api.status_name);
  bind(lib, name, "cublasGetStatusString", api.status_string);
  bind(lib, name, "cublasGemmStridedBatchedEx", api.gemm_strided_batched_ex);
#endif
  loaded = true;
  return api;
}

}  // namespace

const CublasApi& cublas_api() {
  // Leaked like the backends that use it: late frees at exit may still run.
  static std::mutex mutex;
  static const CublasApi* api = nullptr;
  std::lock_guard<std::mutex> lock(mutex);
  if (!api) api = new CublasApi(load());
  return *api;
}

bool cublas_loaded() { return loaded; }

}  // namespace nlammr::cuda
