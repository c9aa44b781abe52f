// The Tensor: a handle to (storage, shape, strides, offset, dtype) plus the
// autograd fields. Copying a Tensor copies the handle, not the data, exactly
// like a PyTorch tensor in Python.
//
// Views (reshape, permute, transpose, slice, expand) share storage with their
// source; ops never write into their inputs, so sharing is always safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/device.h"
#include "engine/dtype.h"
#include "engine/storage.h"

namespace nlammr {

using Shape = std::vector<int64_t>;

std::string shape_str(const Shape& shape);  // "[2, 3]"
int64_t shape_numel(const Shape& shape);
Shape contiguous_strides(const Shape& shape);

struct TensorImpl;
struct Node;

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  // ---- creation --------------------------------------------------------
  static Tensor empty(const Shape& shape, DType dtype = DType::Float32, Device device = Device::cpu());
  static Tensor zeros(const Shape& shape, DType dtype = DType::Float32, Device device = Device::cpu());
  static Tensor ones(const Shape& shape, DType dtype = DType::Float32, Device device = Device::cpu());
  static Tensor full(const Shape& shape, double value, DType dtype = DType::Float32,
                     Device device = Device::cpu());
  static Tensor scalar(double value, DType dtype = DType::Float32, Device device = Device::cpu());
  static Tensor arange(int64_t n, DType dtype = DType::Int64, Device device = Device::cpu());
  // Copies host values into a new tensor of the matching dtype.
  template <typename T>
  static Tensor from_vector(const std::vector<T>& values, const Shape& shape, Device device = Device::cpu());
  // A view of existing storage (used by safetensors loading).
  static Tensor from_storage(std::shared_ptr<Storage> storage, const Shape& shape, DType dtype,
                             const Shape& strides = {}, int64_t offset = 0);

  // ---- metadata --------------------------------------------------------
  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const;
  int64_t dim() const { return static_cast<int64_t>(shape().size()); }
  int64_t size(int64_t d) const;  // negative d counts from the end
  int64_t numel() const { return shape_numel(shape()); }
  const Shape& strides() const;
  int64_t offset() const;
  DType dtype() const;
  Device device() const;
  bool is_contiguous() const;
  const std::shared_ptr<Storage>& storage() const;
  std::string str() const;  // "Tensor(float32, [2, 3], cpu)"

  // ---- data access (host) ------------------------------------------------
  void* raw_data() const;  // address of element 0 (offset applied), any device
  template <typename T>
  T* data() const;  // checks dtype; element 0 of this view
  template <typename T>
  std::vector<T> to_vector() const;  // contiguous host copy; dtype must match T
  template <typename T>
  T item() const;  // single-element tensor

  // ---- conversion ----------------------------------------------------------
  Tensor to(Device device) const;  // copy unless already there (no autograd across devices)
  Tensor to(DType dtype) const;    // autograd-aware between float32 and float64
  Tensor contiguous() const;       // self if contiguous, else a packed copy (autograd-aware)
  Tensor clone() const;            // always a packed copy (autograd-aware)

  // ---- autograd ----------------------------------------------------------
  bool requires_grad() const;
  Tensor& requires_grad_(bool value = true);  // leaves only
  Tensor grad() const;                        // undefined until a backward reaches this leaf
  void set_grad(const Tensor& g) const;
  void zero_grad() const;  // drops the gradient
  const std::shared_ptr<Node>& grad_fn() const;
  bool is_leaf() const;
  // Backpropagate from this tensor. Without `grad` the tensor must hold one element.
  void backward(const Tensor& grad = Tensor(), bool retain_graph = false) const;
  Tensor detach() const;  // same storage, cut from the graph

  // ---- views and shape (autograd-aware; defined in ops/shape.cpp) --------
  Tensor reshape(const Shape& shape) const;
  Tensor permute(const std::vector<int64_t>& dims) const;
  Tensor transpose(int64_t d0, int64_t d1) const;
  Tensor slice(int64_t dim, int64_t start, int64_t end) const;
  Tensor unsqueeze(int64_t dim) const;
  Tensor squeeze(int64_t dim) const;
  Tensor expand(const Shape& shape) const;

  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }
  bool is_same(const Tensor& other) const { return impl_ == other.impl_; }

 private:
  const TensorImpl& checked() const;
  std::shared_ptr<TensorImpl> impl_;
};

struct TensorImpl {
  std::shared_ptr<Storage> storage;
  Shape shape;
  Shape strides;       // in elements
  int64_t offset = 0;  // in elements
  DType dtype = DType::Float32;

  // Autograd. A leaf created by the user has requires_grad and no grad_fn;
  // an op's output that depends on such a leaf has a grad_fn.
  bool requires_grad = false;
  Tensor grad;
  std::shared_ptr<Node> grad_fn;
};

// Normalises a possibly negative dimension index; throws when out of range.
int64_t normalize_dim(int64_t dim, int64_t ndim, const char* what);

}  // namespace nlammr
