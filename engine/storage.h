// A flat block of bytes on one device. Tensors are views into a Storage
// (shape + strides + offset), so reshape/transpose/slice share memory.
#pragma once

#include <cstddef>
#include <memory>

#include "engine/device.h"

namespace nlammr {

class Storage {
 public:
  // Fresh memory from the device's backend (contents undefined).
  static std::shared_ptr<Storage> allocate(size_t nbytes, Device device);

  // Memory owned by someone else (a memory-mapped file, say); `keep_alive`
  // holds that owner for as long as the storage lives.
  static std::shared_ptr<Storage> wrap(void* data, size_t nbytes, Device device,
                                       std::shared_ptr<const void> keep_alive);

  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data() const { return data_; }
  size_t nbytes() const { return nbytes_; }
  Device device() const { return device_; }

 private:
  Storage(void* data, size_t nbytes, Device device, bool owned, std::shared_ptr<const void> keep_alive)
      : data_(data), nbytes_(nbytes), device_(device), owned_(owned), keep_alive_(std::move(keep_alive)) {}

  void* data_;
  size_t nbytes_;
  Device device_;
  bool owned_;
  std::shared_ptr<const void> keep_alive_;
};

}  // namespace nlammr
