#include "engine/tensor.h"

#include <sstream>
#include <stdexcept>

#include "engine/autograd.h"
#include "engine/backend.h"

namespace nlammr {

std::string shape_str(const Shape& shape) {
  std::ostringstream out;
  out << '[';
  for (size_t i = 0; i < shape.size(); ++i) out << (i ? ", " : "") << shape[i];
  out << ']';
  return out.str();
}

int64_t shape_numel(const Shape& shape) {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  return n;
}

Shape contiguous_strides(const Shape& shape) {
  Shape strides(shape.size());
  int64_t stride = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = stride;
    stride *= shape[i];
  }
  return strides;
}

int64_t normalize_dim(int64_t dim, int64_t ndim, const char* what) {
  const int64_t d = dim < 0 ? dim + ndim : dim;
  if (d < 0 || d >= ndim)
    throw std::runtime_error(std::string(what) + ": dimension " + std::to_string(dim) +
                             " out of range for a tensor with " + std::to_string(ndim) + " dims");
  return d;
}

// ---- creation -----------------------------------------------------------------

Tensor Tensor::empty(const Shape& shape, DType dtype, Device device) {
  for (int64_t s : shape)
    if (s < 0) throw std::runtime_error("Tensor::empty: negative size in shape " + shape_str(shape));
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = Storage::allocate(static_cast<size_t>(shape_numel(shape)) * dtype_size(dtype), device);
  impl->shape = shape;
  impl->strides = contiguous_strides(shape);
  impl->dtype = dtype;
  return Tensor(std::move(impl));
}

Tensor Tensor::full(const Shape& shape, double value, DType dtype, Device device) {
  Tensor t = empty(shape, dtype, device);
  if (t.numel() > 0) backend_for(device).fill(t, value);
  return t;
}

Tensor Tensor::zeros(const Shape& shape, DType dtype, Device device) { return full(shape, 0.0, dtype, device); }
Tensor Tensor::ones(const Shape& shape, DType dtype, Device device) { return full(shape, 1.0, dtype, device); }
Tensor Tensor::scalar(double value, DType dtype, Device device) { return full({}, value, dtype, device); }

Tensor Tensor::arange(int64_t n, DType dtype, Device device) {
  std::vector<double> values(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) values[i] = static_cast<double>(i);
  return from_vector(values, {n}).to(dtype).to(device);
}

template <typename T>
Tensor Tensor::from_vector(const std::vector<T>& values, const Shape& shape, Device device) {
  if (static_cast<int64_t>(values.size()) != shape_numel(shape))
    throw std::runtime_error("Tensor::from_vector: " + std::to_string(values.size()) +
                             " values do not fill shape " + shape_str(shape));
  Tensor t = empty(shape, dtype_of<T>::value, device);
  if (!values.empty())
    backend_for(device).copy_bytes(t.raw_data(), values.data(), values.size() * sizeof(T),
                                   device.is_cpu() ? CopyKind::DeviceToDevice : CopyKind::HostToDevice);
  return t;
}

Tensor Tensor::from_storage(std::shared_ptr<Storage> storage, const Shape& shape, DType dtype,
                            const Shape& strides, int64_t offset) {
  auto impl = std::make_shared<TensorImpl>();
  impl->shape = shape;
  impl->strides = strides.empty() ? contiguous_strides(shape) : strides;
  impl->offset = offset;
  impl->dtype = dtype;
  // The furthest element any index can reach must lie inside the storage.
  int64_t last = offset;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 0) { last = offset - 1; break; }
    last += (shape[i] - 1) * impl->strides[i];
  }
  if (offset < 0 || static_cast<size_t>(last + 1) * dtype_size(dtype) > storage->nbytes())
    throw std::runtime_error("Tensor::from_storage: view " + shape_str(shape) + " exceeds storage of " +
                             std::to_string(storage->nbytes()) + " bytes");
  impl->storage = std::move(storage);
  return Tensor(std::move(impl));
}

// ---- metadata -----------------------------------------------------------------

const TensorImpl& Tensor::checked() const {
  if (!impl_) throw std::runtime_error("use of an undefined tensor");
  return *impl_;
}

const Shape& Tensor::shape() const { return checked().shape; }
const Shape& Tensor::strides() const { return checked().strides; }
int64_t Tensor::offset() const { return checked().offset; }
DType Tensor::dtype() const { return checked().dtype; }
Device Tensor::device() const { return checked().storage->device(); }
const std::shared_ptr<Storage>& Tensor::storage() const { return checked().storage; }

int64_t Tensor::size(int64_t d) const { return shape()[normalize_dim(d, dim(), "size")]; }

bool Tensor::is_contiguous() const {
  const TensorImpl& t = checked();
  int64_t expected = 1;
  for (size_t i = t.shape.size(); i-- > 0;) {
    if (t.shape[i] == 1) continue;  // stride of a size-1 dim never matters
    if (t.strides[i] != expected) return false;
    expected *= t.shape[i];
  }
  return true;
}

std::string Tensor::str() const {
  if (!impl_) return "Tensor(undefined)";
  return std::string("Tensor(") + dtype_name(dtype()) + ", " + shape_str(shape()) + ", " + device().str() + ")";
}

// ---- data access --------------------------------------------------------------

void* Tensor::raw_data() const {
  const TensorImpl& t = checked();
  return static_cast<char*>(t.storage->data()) + t.offset * static_cast<int64_t>(dtype_size(t.dtype));
}

template <typename T>
T* Tensor::data() const {
  if (dtype() != dtype_of<T>::value)
    throw std::runtime_error(std::string("Tensor::data: tensor is ") + dtype_name(dtype()) + ", not " +
                             dtype_name(dtype_of<T>::value));
  return static_cast<T*>(raw_data());
}

template <typename T>
std::vector<T> Tensor::to_vector() const {
  if (dtype() != dtype_of<T>::value)
    throw std::runtime_error(std::string("Tensor::to_vector: tensor is ") + dtype_name(dtype()) + ", not " +
                             dtype_name(dtype_of<T>::value));
  Tensor packed = detach().contiguous();
  std::vector<T> out(static_cast<size_t>(numel()));
  if (!out.empty())
    backend_for(device()).copy_bytes(out.data(), packed.raw_data(), out.size() * sizeof(T),
                                     device().is_cpu() ? CopyKind::DeviceToDevice : CopyKind::DeviceToHost);
  return out;
}

template <typename T>
T Tensor::item() const {
  if (numel() != 1)
    throw std::runtime_error("Tensor::item: tensor has " + std::to_string(numel()) + " elements, not 1");
  return to_vector<T>()[0];
}

#define NLAMMR_INSTANTIATE(T)                                                                     \
  template Tensor Tensor::from_vector<T>(const std::vector<T>&, const Shape&, Device);            \
  template T* Tensor::data<T>() const;                                                            \
  template std::vector<T> Tensor::to_vector<T>() const;                                           \
  template T Tensor::item<T>() const;
NLAMMR_INSTANTIATE(float)
NLAMMR_INSTANTIATE(double)
NLAMMR_INSTANTIATE(int32_t)
NLAMMR_INSTANTIATE(int64_t)
NLAMMR_INSTANTIATE(uint8_t)
#undef NLAMMR_INSTANTIATE

// ---- conversion -----------------------------------------------------------------

Tensor Tensor::to(Device target) const {
  if (device() == target) return *this;
  Tensor src = detach().contiguous();
  Tensor out = empty(shape(), dtype(), target);
  const size_t nbytes = static_cast<size_t>(numel()) * dtype_size(dtype());
  if (nbytes > 0) {
    if (target.is_cpu()) {
      backend_for(device()).copy_bytes(out.raw_data(), src.raw_data(), nbytes, CopyKind::DeviceToHost);
    } else if (device().is_cpu()) {
      backend_for(target).copy_bytes(out.raw_data(), src.raw_data(), nbytes, CopyKind::HostToDevice);
    } else {
      // GPU to another GPU: through the host, simple and rare.
      return to(Device::cpu()).to(target);
    }
  }
  // Gradients flow back across the copy, so a model can move its inputs.
  const Device source = device();
  return record("ToDevice", out, {*this}, [source](const Tensor& g) -> std::vector<Tensor> {
    return {g.to(source)};
  });
}

Tensor Tensor::to(DType target) const {
  if (dtype() == target) return *this;
  Tensor out = empty(shape(), target, device());
  if (numel() > 0) backend_for(device()).copy(*this, out);
  const DType source = dtype();
  if (!dtype_is_compute(source) || !dtype_is_compute(target)) return out;
  return record("ToDtype", out, {*this}, [source](const Tensor& g) -> std::vector<Tensor> {
    return {g.to(source)};
  });
}

Tensor Tensor::clone() const {
  Tensor out = empty(shape(), dtype(), device());
  if (numel() > 0) backend_for(device()).copy(*this, out);
  return record("Clone", out, {*this}, [](const Tensor& g) -> std::vector<Tensor> { return {g}; });
}

Tensor Tensor::contiguous() const { return is_contiguous() ? *this : clone(); }

// ---- autograd -------------------------------------------------------------------

bool Tensor::requires_grad() const { return checked().requires_grad; }

Tensor& Tensor::requires_grad_(bool value) {
  if (checked().grad_fn)
    throw std::runtime_error("requires_grad_: only leaf tensors can change requires_grad (use detach())");
  if (value && !dtype_is_compute(dtype()))
    throw std::runtime_error(std::string("requires_grad_: only float32/float64 tensors can require "
                                         "gradients, not ") + dtype_name(dtype()));
  impl_->requires_grad = value;
  return *this;
}

Tensor Tensor::grad() const { return checked().grad; }
void Tensor::set_grad(const Tensor& g) const {
  checked();
  impl_->grad = g;
}
void Tensor::zero_grad() const {
  checked();
  impl_->grad = Tensor();
}
const std::shared_ptr<Node>& Tensor::grad_fn() const { return checked().grad_fn; }
bool Tensor::is_leaf() const { return checked().grad_fn == nullptr; }

void Tensor::backward(const Tensor& grad, bool retain_graph) const { run_backward(*this, grad, retain_graph); }

Tensor Tensor::detach() const {
  const TensorImpl& t = checked();
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = t.storage;
  impl->shape = t.shape;
  impl->strides = t.strides;
  impl->offset = t.offset;
  impl->dtype = t.dtype;
  return Tensor(std::move(impl));
}

}  // namespace nlammr
