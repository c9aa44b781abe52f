// The safetensors writer. It lays files out exactly as the format's reference
// writer does, so that for the same tensors (and at most one metadata entry,
// whose order the reference leaves to a hash map) the bytes are identical:
//   - tensors ordered by decreasing dtype alignment, then by name (byte order);
//   - compact JSON header: "__metadata__" first, then the tensors in data
//     order, each as {"dtype", "shape", "data_offsets"} in that order;
//   - header padded with spaces to a multiple of 8 bytes.
#include <algorithm>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "io/atomic_file.h"
#include "io/safetensors.h"
#include "io/safetensors_format.h"

namespace nlammr {

namespace fmt = safetensors_format;

namespace {

[[noreturn]] void fail(const std::string& destination, const std::string& problem) {
  throw std::runtime_error("writing safetensors file '" + destination + "': " + problem);
}

void check_utf8(const std::string& destination, const std::string& what, const std::string& text) {
  if (fmt::first_invalid_utf8(text.data(), text.size())) fail(destination, what + " is not valid UTF-8");
}

void validate(const std::string& destination, const std::vector<TensorToWrite>& tensors,
              const std::map<std::string, std::string>& metadata) {
  std::set<std::string> seen;
  for (const TensorToWrite& tensor : tensors) {
    const std::string label = "tensor '" + tensor.name + "'";
    check_utf8(destination, label + ": the name", tensor.name);
    if (tensor.name == fmt::kMetadataKey) fail(destination, label + ": the name is reserved for metadata");
    if (!seen.insert(tensor.name).second) fail(destination, label + ": the name appears twice");
    int64_t expected = static_cast<int64_t>(dtype_size(tensor.dtype));
    for (int64_t dim : tensor.shape) {
      if (dim < 0) fail(destination, label + ": negative dimension " + std::to_string(dim));
      if (__builtin_mul_overflow(expected, dim, &expected)) {
        fail(destination, label + ": the shape overflows the byte count");
      }
    }
    if (static_cast<uint64_t>(expected) != tensor.nbytes) {
      fail(destination, label + ": shape and dtype " + fmt::code_of(tensor.dtype) + " need " +
                            std::to_string(expected) + " bytes but nbytes is " +
                            std::to_string(tensor.nbytes));
    }
    if (tensor.nbytes > 0 && tensor.data == nullptr) fail(destination, label + ": data is null");
  }
  for (const auto& [key, value] : metadata) {
    check_utf8(destination, "metadata key '" + key + "'", key);
    check_utf8(destination, "metadata value for key '" + key + "'", value);
  }
}

// The tensors in the order their bytes will be stored.
std::vector<const TensorToWrite*> storage_order(const std::vector<TensorToWrite>& tensors) {
  std::vector<const TensorToWrite*> order;
  for (const TensorToWrite& tensor : tensors) order.push_back(&tensor);
  std::sort(order.begin(), order.end(), [](const TensorToWrite* a, const TensorToWrite* b) {
    const int rank_a = fmt::alignment_rank(a->dtype), rank_b = fmt::alignment_rank(b->dtype);
    return rank_a != rank_b ? rank_a > rank_b : a->name < b->name;
  });
  return order;
}

// The 8-byte length followed by the padded JSON header.
std::string header_bytes(const std::string& destination, const std::vector<const TensorToWrite*>& order,
                         const std::map<std::string, std::string>& metadata) {
  // ordered_json keeps insertion order, which here is the order of the data.
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header[fmt::kMetadataKey] = metadata;
  uint64_t offset = 0;
  for (const TensorToWrite* tensor : order) {
    nlohmann::ordered_json info;
    info["dtype"] = fmt::code_of(tensor->dtype);
    info["shape"] = nlohmann::ordered_json::array();
    for (int64_t dim : tensor->shape) info["shape"].push_back(static_cast<uint64_t>(dim));
    info["data_offsets"] = {offset, offset + tensor->nbytes};
    offset += tensor->nbytes;
    header[tensor->name] = std::move(info);
  }
  std::string text = header.dump();
  text.resize((text.size() + fmt::kHeaderAlignment - 1) / fmt::kHeaderAlignment * fmt::kHeaderAlignment, ' ');
  if (text.size() > fmt::kMaxHeaderBytes) {
    fail(destination, "the header would take " + std::to_string(text.size()) + " bytes, above the " +
                          std::to_string(fmt::kMaxHeaderBytes) + "-byte limit readers enforce");
  }
  return fmt::u64_le_bytes(text.size()) + text;
}

}  // namespace

std::string serialize_safetensors(const std::vector<TensorToWrite>& tensors,
                                  const std::map<std::string, std::string>& metadata,
                                  const std::string& destination_name) {
  validate(destination_name, tensors, metadata);
  const auto order = storage_order(tensors);
  std::string bytes = header_bytes(destination_name, order, metadata);
  for (const TensorToWrite* tensor : order) {
    bytes.append(static_cast<const char*>(tensor->data), tensor->nbytes);
  }
  return bytes;
}

void write_safetensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  validate(path, tensors, metadata);
  const auto order = storage_order(tensors);
  const std::string header = header_bytes(path, order, metadata);
  // Stream tensor by tensor: a checkpoint is never held twice in memory.
  AtomicFileWriter writer(path);
  writer.write(header);
  for (const TensorToWrite* tensor : order) {
    if (tensor->nbytes > 0) writer.write(tensor->data, tensor->nbytes);
  }
  writer.commit();
}

const char* safetensors_dtype_code(DType dtype) { return fmt::code_of(dtype); }

}  // namespace nlammr
