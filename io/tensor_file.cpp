#include "io/tensor_file.h"

#include <stdexcept>
#include <vector>

#include "io/finite_values.h"

namespace nlammr {

Tensor tensor_from_entry(const SafeTensorsFile& file, const TensorEntry& entry, const LoadOptions& options) {
  require_finite(file, entry);
  Tensor t;
  if (entry.nbytes == 0) {
    t = Tensor::empty(entry.shape, entry.dtype);
  } else {
    // The storage keeps the whole mapping alive for as long as any tensor
    // viewing it exists.
    auto storage = Storage::wrap(const_cast<void*>(entry.data), entry.nbytes, Device::cpu(), file.keep_alive());
    t = Tensor::from_storage(storage, entry.shape, entry.dtype);
  }
  const bool half = entry.dtype == DType::Float16 || entry.dtype == DType::BFloat16;
  if ((half && options.half_to_float32) || (entry.dtype == DType::Float64 && options.float64_to_float32))
    t = t.to(DType::Float32);
  return t.to(options.device);
}

std::map<std::string, Tensor> load_tensors(const std::string& path, const LoadOptions& options) {
  SafeTensorsFile file = SafeTensorsFile::open(path);
  std::map<std::string, Tensor> out;
  for (const TensorEntry& entry : file.entries()) out[entry.name] = tensor_from_entry(file, entry, options);
  return out;
}

void save_tensors(const std::string& path, const std::map<std::string, Tensor>& tensors,
                  const std::map<std::string, std::string>& metadata) {
  std::vector<Tensor> packed;  // keeps host copies alive until written
  std::vector<TensorToWrite> items;
  for (const auto& [name, t] : tensors) {
    if (!t.defined()) throw std::runtime_error("save_tensors: tensor '" + name + "' is undefined (" + path + ")");
    packed.push_back(t.detach().to(Device::cpu()).contiguous());
    const Tensor& p = packed.back();
    items.push_back({name, p.dtype(), p.shape(), p.numel() ? p.raw_data() : nullptr,
                     static_cast<size_t>(p.numel()) * dtype_size(p.dtype())});
  }
  write_safetensors(path, items, metadata);
}

}  // namespace nlammr
