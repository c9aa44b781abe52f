#include "engine/storage.h"

#include "engine/backend.h"

namespace nlammr {

std::shared_ptr<Storage> Storage::allocate(size_t nbytes, Device device) {
  void* data = backend_for(device).allocate(nbytes);
  return std::shared_ptr<Storage>(new Storage(data, nbytes, device, /*owned=*/true, nullptr));
}

std::shared_ptr<Storage> Storage::wrap(void* data, size_t nbytes, Device device,
                                       std::shared_ptr<const void> keep_alive) {
  return std::shared_ptr<Storage>(new Storage(data, nbytes, device, /*owned=*/false, std::move(keep_alive)));
}

Storage::~Storage() {
  if (owned_ && data_) backend_for(device_).deallocate(data_, nbytes_);
}

}  // namespace nlammr
