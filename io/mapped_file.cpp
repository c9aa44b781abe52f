#include "io/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

#include "io/atomic_file.h"
#include "io/input_file.h"

namespace nlammr {

std::shared_ptr<const MappedFile> MappedFile::open(const std::string& path) {
  const int fd = open_input_file(path);  // a regular file, or an error
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    const int error_number = errno;
    ::close(fd);
    throw std::runtime_error("cannot stat '" + path + "': " + errno_text(error_number));
  }
  if (!S_ISREG(info.st_mode)) {
    ::close(fd);
    throw std::runtime_error("cannot map '" + path + "': not a regular file");
  }
  const size_t size = static_cast<size_t>(info.st_size);
  void* address = nullptr;
  // mmap rejects a zero length; an empty file simply has no bytes to show.
  if (size > 0) {
    address = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (address == MAP_FAILED) {
      const int error_number = errno;
      ::close(fd);
      throw std::runtime_error("cannot map '" + path + "': " + errno_text(error_number));
    }
  }
  ::close(fd);  // the mapping keeps its own reference to the file
  return std::shared_ptr<const MappedFile>(new MappedFile(path, static_cast<const uint8_t*>(address), size));
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) ::munmap(const_cast<uint8_t*>(data_), size_);
}

}  // namespace nlammr
