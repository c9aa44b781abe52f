#include "engine/backend.h"

#include <stdexcept>
#include <string>

namespace nlammr {

// Defined in kernels/cpu/memory.cpp.
Backend& cpu_backend();

#ifdef NLAMMR_WITH_CUDA
// Defined in kernels/cuda/cuda_backend.cu. Throws when no GPU is usable.
Backend& cuda_backend(int device_index);
bool cuda_backend_available(std::string* reason);
#endif

#ifdef NLAMMR_HAVE_CUDA_SIM
// Defined in kernels/cuda/cuda_backend.cu compiled against the simulator.
Backend& cuda_sim_backend(int device_index);
#endif

Backend& backend_for(Device device) {
  if (device.is_cpu()) return cpu_backend();
  if (device.is_simulated_cuda()) {
#ifdef NLAMMR_HAVE_CUDA_SIM
    return cuda_sim_backend(device.index);
#else
    throw std::runtime_error("device " + device.str() + " requested, but this build has no CUDA simulator " +
                             "(configure with -DNLAMMR_CUDA_SIM=ON)");
#endif
  }
#ifdef NLAMMR_WITH_CUDA
  return cuda_backend(device.index);
#else
  throw std::runtime_error("device " + device.str() + " requested, but this build has no CUDA backend " +
                           "(configure with -DNLAMMR_CUDA=ON on a machine with the CUDA toolkit)");
#endif
}

// The batch-norm kernels are optional (see backend.h); the op never calls
// them on a backend that does not fuse batch norm.
void Backend::batchnorm_stats(const Tensor&, const Tensor&, const Tensor&) { no_fused_batch_norm(); }
void Backend::batchnorm_apply(const Tensor&, const Tensor&, const Tensor&, const Tensor&, const Tensor&,
                              const Tensor&) {
  no_fused_batch_norm();
}
void Backend::batchnorm_backward(const Tensor&, const Tensor&, const Tensor&, const Tensor&, const Tensor&, bool,
                                 const Tensor&, const Tensor&, const Tensor&) {
  no_fused_batch_norm();
}
void Backend::no_fused_batch_norm() const {
  throw std::logic_error(std::string("the ") + name() + " backend has no fused batch-norm kernels");
}

bool cuda_available() { return cuda_unavailable_reason().empty(); }

bool simulated_cuda_available() {
#ifdef NLAMMR_HAVE_CUDA_SIM
  return true;
#else
  return false;
#endif
}

std::string cuda_unavailable_reason() {
#ifdef NLAMMR_WITH_CUDA
  std::string reason;
  return cuda_backend_available(&reason) ? std::string() : reason;
#else
  return "this build has no CUDA backend (configured without nvcc or with NLAMMR_CUDA=OFF)";
#endif
}

const char* unary_op_name(UnaryOp op) {
  switch (op) {
    case UnaryOp::Neg: return "neg";
    case UnaryOp::Exp: return "exp";
    case UnaryOp::Log: return "log";
    case UnaryOp::Sqrt: return "sqrt";
    case UnaryOp::Abs: return "abs";
    case UnaryOp::Relu: return "relu";
    case UnaryOp::GeluErf: return "gelu";
    case UnaryOp::GeluTanh: return "gelu_tanh";
    case UnaryOp::Tanh: return "tanh";
    case UnaryOp::Sigmoid: return "sigmoid";
    case UnaryOp::Scale: return "scale";
    case UnaryOp::AddScalar: return "add_scalar";
    case UnaryOp::PowScalar: return "pow_scalar";
  }
  return "?";
}

const char* binary_op_name(BinaryOp op) {
  switch (op) {
    case BinaryOp::Add: return "add";
    case BinaryOp::Sub: return "sub";
    case BinaryOp::Mul: return "mul";
    case BinaryOp::Div: return "div";
    case BinaryOp::Pow: return "pow";
    case BinaryOp::Maximum: return "maximum";
    case BinaryOp::Minimum: return "minimum";
    case BinaryOp::GreaterEqual: return "greater_equal";
  }
  return "?";
}

}  // namespace nlammr
