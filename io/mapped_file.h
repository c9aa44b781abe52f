// A read-only memory mapping of a whole file.
//
// Mapping lets a multi-gigabyte checkpoint be opened instantly: pages are
// read from disk only when a tensor is touched, and tensors can point
// straight into the mapping instead of being copied. The mapping lives as
// long as any shared_ptr to it, so views into it can outlive the object that
// opened the file.
//
// Caveat shared by every mmap reader: if another program truncates the file
// while it is mapped, touching the vanished pages raises SIGBUS. Files written
// by write_file_atomic are replaced by rename, which never truncates a mapped
// file, so this does not arise between our own writers and readers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace nlammr {

class MappedFile {
 public:
  // Throws std::runtime_error naming the file when it cannot be opened,
  // is not a regular file, or cannot be mapped.
  static std::shared_ptr<const MappedFile> open(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const uint8_t* data() const { return data_; }  // nullptr when size() == 0
  size_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  MappedFile(std::string path, const uint8_t* data, size_t size)
      : path_(std::move(path)), data_(data), size_(size) {}

  std::string path_;
  const uint8_t* data_;
  size_t size_;
};

}  // namespace nlammr
