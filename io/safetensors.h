// Reading and writing the safetensors checkpoint format.
//
// Layout of a file (all integers little-endian):
//   8 bytes      N, the header length
//   N bytes      JSON header: {"name": {"dtype": "F32", "shape": [2, 3],
//                "data_offsets": [begin, end]}, ..., "__metadata__": {"k": "v"}},
//                optionally padded with spaces
//   rest         the data section; offsets are relative to its first byte
//
// The reader memory-maps the file and checks everything the format requires
// (see docs/safetensors.md): any violation throws std::runtime_error whose
// message names the file, the tensor when there is one, and the problem.
// Tensors whose bytes are suitably aligned for their dtype point straight into
// the mapping; the others are copied once into aligned memory, and
// TensorEntry::aligned says which happened.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/dtype.h"

namespace nlammr {

// One tensor of an opened file. `data` stays valid while the SafeTensorsFile
// or any copy of its keep_alive() handle exists.
struct TensorEntry {
  std::string name;
  DType dtype = DType::Float32;
  std::vector<int64_t> shape;  // [] for a scalar; may contain 0 (empty tensor)
  const void* data = nullptr;  // row-major, little-endian; nullptr when nbytes == 0
  size_t nbytes = 0;
  bool aligned = true;      // true: zero-copy view into the mapping; false: an aligned copy
  uint64_t data_begin = 0;  // position of the bytes within the file's data section

  int64_t numel() const;
};

class SafeTensorsFile {
 public:
  // Maps and validates a file.
  static SafeTensorsFile open(const std::string& path);
  // Validates bytes already in memory; `source_name` stands in for the file
  // name in error messages.
  static SafeTensorsFile parse(std::string bytes, const std::string& source_name);

  const std::string& path() const { return path_; }
  // Tensor names sorted by byte value (like std::map), not in file order.
  const std::vector<std::string>& names() const { return names_; }
  // Every tensor, in the order of its bytes in the data section.
  const std::vector<TensorEntry>& entries() const { return entries_; }
  bool contains(const std::string& name) const { return index_.count(name) != 0; }
  // Throws std::runtime_error naming the file and the missing tensor.
  const TensorEntry& get(const std::string& name) const;
  // The "__metadata__" map; empty when the file has none.
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  // Owns the mapping and any aligned copies; hold it to keep TensorEntry::data
  // valid after this object is gone.
  std::shared_ptr<const void> keep_alive() const { return storage_; }

 private:
  friend class SafeTensorsParser;
  SafeTensorsFile() = default;

  std::string path_;
  std::vector<TensorEntry> entries_;
  std::map<std::string, size_t> index_;  // name -> position in entries_
  std::vector<std::string> names_;
  std::map<std::string, std::string> metadata_;
  std::shared_ptr<const void> storage_;
};

// What to write for one tensor: `nbytes` must equal numel(shape) * dtype_size.
struct TensorToWrite {
  std::string name;
  DType dtype = DType::Float32;
  std::vector<int64_t> shape;
  const void* data = nullptr;
  size_t nbytes = 0;
};

// Writes a safetensors file atomically (temporary file + rename). Tensors are
// stored the way the format's reference writer stores them: by decreasing
// dtype alignment, then by name, with the header padded by spaces to a
// multiple of 8 bytes, so every tensor is aligned when the file is mapped.
// Throws std::runtime_error naming the file and the tensor on bad input
// (duplicate or reserved names, negative dims, nbytes not matching the shape).
void write_safetensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

// The same bytes write_safetensors would put in the file.
std::string serialize_safetensors(const std::vector<TensorToWrite>& tensors,
                                  const std::map<std::string, std::string>& metadata = {},
                                  const std::string& destination_name = "<memory>");

// Converts a floating tensor (F32, F64, F16, BF16) to float32 values; used to
// load checkpoints stored in half precision. Other dtypes throw.
std::vector<float> to_float32(const TensorEntry& tensor);

// "F32", "BF16", ... as the format spells the dtype.
const char* safetensors_dtype_code(DType dtype);

}  // namespace nlammr
