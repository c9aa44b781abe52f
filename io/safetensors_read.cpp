// The safetensors reader: validation of the header and the data layout, then
// zero-copy (or aligned-copy) tensor views. The checks follow the format's
// specification and its reference implementation, with a few additions that
// the specification asks for but the reference does not enforce (see
// docs/safetensors.md): the header must start with '{', keys must not repeat,
// tensor entries have exactly the three documented fields, BOOL bytes are 0/1.
#include <algorithm>
#include <cstring>
#include <limits>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "io/mapped_file.h"
#include "io/safetensors.h"
#include "io/safetensors_format.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "The safetensors reader hands out little-endian data as is; a big-endian host would need byte swaps."
#endif

namespace nlammr {

namespace fmt = safetensors_format;
using nlohmann::json;

namespace {

// The valid header nests three levels (file object, tensor object, shape
// array); anything much deeper is corrupt, and refusing it early keeps a
// hostile header of a million '[' from building a million nested arrays.
constexpr int kMaxJsonDepth = 32;

// Everything the TensorEntry pointers may point into.
struct Storage {
  std::shared_ptr<const MappedFile> mapping;
  std::string bytes;  // for SafeTensorsFile::parse
  std::vector<std::unique_ptr<uint64_t[]>> aligned_copies;
};

struct HeaderTooDeep {};

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

std::string offsets_text(uint64_t begin, uint64_t end) {
  return "[" + std::to_string(begin) + ", " + std::to_string(end) + "]";
}

// A JSON value as it appears in an error message, cut short if long.
std::string quote_json(const json& value) {
  std::string text = value.dump();
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return text + " (" + value.type_name() + ")";
}

class HeaderReader {
 public:
  HeaderReader(const std::string& source, uint64_t data_size) : source_(source), data_size_(data_size) {}

  [[noreturn]] void fail(const std::string& problem) const {
    throw std::runtime_error("safetensors file '" + source_ + "': " + problem);
  }
  [[noreturn]] void fail(const std::string& tensor, const std::string& problem) const {
    fail("tensor '" + tensor + "': " + problem);
  }

  json parse_json(const char* text, size_t size) const {
    if (size == 0 || text[0] != '{') fail("the JSON header does not start with '{'");
    if (auto bad = fmt::first_invalid_utf8(text, size)) {
      fail("the JSON header is not valid UTF-8 (byte " + std::to_string(*bad) + " of the header)");
    }
    // nlohmann's lexer takes a NUL byte for the end of the input, so "{}\0junk"
    // would pass; JSON allows no raw NUL anywhere (in strings it is \u0000).
    if (const void* nul = std::memchr(text, '\0', size)) {
      fail("the header is not valid JSON: NUL byte at byte " +
           std::to_string(static_cast<const char*>(nul) - text) + " of the header");
    }
    // nlohmann keeps the last of repeated keys silently; the format forbids
    // repeats, so the parser callback watches the keys of each open object.
    std::vector<std::set<std::string>> open_objects;
    std::string duplicate;
    auto watch = [&](int depth, json::parse_event_t event, json& parsed) {
      if (depth > kMaxJsonDepth) throw HeaderTooDeep{};
      if (event == json::parse_event_t::object_start) open_objects.emplace_back();
      if (event == json::parse_event_t::object_end) open_objects.pop_back();
      if (event == json::parse_event_t::key && !open_objects.empty() && duplicate.empty()) {
        const std::string& key = parsed.get_ref<const std::string&>();
        if (!open_objects.back().insert(key).second) duplicate = key;
      }
      return true;
    };
    json header;
    try {
      header = json::parse(text, text + size, watch);
    } catch (const HeaderTooDeep&) {
      fail("the JSON header nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    } catch (const json::exception& error) {  // parse_error, or out_of_range for a number like 1e999
      std::string what = error.what();
      const size_t tag_end = what.find("] ");  // drop nlohmann's "[json.exception.parse_error.101] "
      if (tag_end != std::string::npos) what = what.substr(tag_end + 2);
      fail("the header is not valid JSON: " + what);
    }
    if (!duplicate.empty()) fail("the JSON header repeats the key '" + duplicate + "'");
    if (!header.is_object()) fail("the JSON header is not an object");
    return header;
  }

  std::map<std::string, std::string> read_metadata(const json& value) const {
    std::map<std::string, std::string> metadata;
    if (value.is_null()) return metadata;  // the reference writes no null, but reads it as "none"
    if (!value.is_object()) {
      fail("__metadata__ must be an object of strings, found " + quote_json(value));
    }
    for (const auto& [key, item] : value.items()) {
      if (!item.is_string()) {
        fail("__metadata__ value for key '" + key + "' must be a string, found " + quote_json(item));
      }
      metadata[key] = item.get<std::string>();
    }
    return metadata;
  }

  TensorEntry read_tensor_info(const std::string& name, const json& value) const {
    if (!value.is_object()) fail(name, "entry must be an object, found " + quote_json(value));
    for (const auto& [key, item] : value.items()) {
      if (key != "dtype" && key != "shape" && key != "data_offsets") {
        fail(name, "unknown field '" + key + "' (expected dtype, shape, data_offsets)");
      }
    }
    for (const char* field : {"dtype", "shape", "data_offsets"}) {
      if (!value.contains(field)) fail(name, std::string("missing field '") + field + "'");
    }
    TensorEntry entry;
    entry.name = name;
    entry.dtype = read_dtype(name, value.at("dtype"));
    entry.shape = read_shape(name, value.at("shape"));

    const json& offsets = value.at("data_offsets");
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
        !offsets[1].is_number_unsigned()) {
      fail(name, "data_offsets must be two non-negative integers [begin, end], found " + quote_json(offsets));
    }
    const uint64_t begin = offsets[0].get<uint64_t>();
    const uint64_t end = offsets[1].get<uint64_t>();
    if (end < begin) fail(name, "data_offsets " + offsets_text(begin, end) + " end before they begin");
    if (end > data_size_) {
      fail(name, "data_offsets " + offsets_text(begin, end) + " run past the end of the data section (" +
                     std::to_string(data_size_) + " bytes)");
    }

    // Byte size, refusing anything beyond int64: every partial product then
    // fits too, so TensorEntry::numel() cannot overflow even with a 0 at the end.
    int64_t expected = static_cast<int64_t>(dtype_size(entry.dtype));
    for (int64_t dim : entry.shape) {
      if (__builtin_mul_overflow(expected, dim, &expected)) {
        fail(name, "shape " + shape_text(entry.shape) + " overflows the byte count");
      }
    }
    if (static_cast<uint64_t>(expected) != end - begin) {
      fail(name, "shape " + shape_text(entry.shape) + " of " + fmt::code_of(entry.dtype) + " needs " +
                     std::to_string(expected) + " bytes but data_offsets " + offsets_text(begin, end) +
                     " span " + std::to_string(end - begin));
    }
    entry.data_begin = begin;
    entry.nbytes = static_cast<size_t>(end - begin);
    return entry;
  }

  // The tensors must tile the data section exactly: no gaps (which could hide
  // a second file inside this one), no overlaps, nothing left over.
  void check_layout(const std::vector<TensorEntry>& by_offset) const {
    uint64_t covered = 0;
    const TensorEntry* previous = nullptr;
    for (const TensorEntry& entry : by_offset) {
      const uint64_t begin = entry.data_begin, end = begin + entry.nbytes;
      if (begin < covered) {
        fail(entry.name, "data_offsets " + offsets_text(begin, end) + " overlap tensor '" + previous->name +
                             "' at " + offsets_text(previous->data_begin, covered));
      }
      if (begin > covered) {
        fail(entry.name, "data_offsets " + offsets_text(begin, end) + " leave a gap: bytes " +
                             offsets_text(covered, begin) + " of the data section belong to no tensor");
      }
      covered = end;
      previous = &entry;
    }
    if (covered != data_size_) {
      fail("the tensors cover " + std::to_string(covered) + " bytes but the data section holds " +
           std::to_string(data_size_) + " (" + std::to_string(data_size_ - covered) +
           " trailing bytes belong to no tensor)");
    }
  }

  void check_bool_bytes(const TensorEntry& entry, const uint8_t* bytes) const {
    for (size_t i = 0; i < entry.nbytes; ++i) {
      if (bytes[i] > 1) {
        fail(entry.name, "BOOL element " + std::to_string(i) + " holds byte value " +
                             std::to_string(bytes[i]) + "; only 0 and 1 are valid");
      }
    }
  }

 private:
  DType read_dtype(const std::string& name, const json& value) const {
    if (!value.is_string()) fail(name, "dtype must be a string, found " + quote_json(value));
    const std::string code = value.get<std::string>();
    if (auto dtype = fmt::dtype_from_code(code)) return *dtype;
    if (fmt::is_defined_code(code)) {
      fail(name, "unsupported dtype '" + code + "' (supported: F64 F32 F16 BF16 I64 I32 U8 BOOL)");
    }
    fail(name, "unknown dtype '" + code + "'");
  }

  std::vector<int64_t> read_shape(const std::string& name, const json& value) const {
    if (!value.is_array()) fail(name, "shape must be an array, found " + quote_json(value));
    std::vector<int64_t> shape;
    for (size_t i = 0; i < value.size(); ++i) {
      const json& dim = value[i];
      if (!dim.is_number_unsigned() || dim.get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max())) {
        fail(name, "shape entry " + std::to_string(i) + " is " + quote_json(dim) +
                       "; shape entries must be non-negative integers");
      }
      shape.push_back(static_cast<int64_t>(dim.get<uint64_t>()));
    }
    return shape;
  }

  const std::string& source_;
  uint64_t data_size_;
};

}  // namespace

// Builds a SafeTensorsFile from the whole file's bytes; `storage` owns them.
class SafeTensorsParser {
 public:
  static SafeTensorsFile parse(const std::string& source, const uint8_t* bytes, size_t size,
                               std::shared_ptr<Storage> storage) {
    HeaderReader early(source, 0);
    if (size < fmt::kLengthBytes) {
      early.fail("the file is " + std::to_string(size) + " bytes, too short for the 8-byte header length");
    }
    const uint64_t header_size = fmt::read_u64_le(bytes);
    if (header_size > fmt::kMaxHeaderBytes) {
      early.fail("header length " + std::to_string(header_size) + " exceeds the limit of " +
                 std::to_string(fmt::kMaxHeaderBytes) + " bytes (corrupt length field?)");
    }
    if (header_size > size - fmt::kLengthBytes) {
      early.fail("header length " + std::to_string(header_size) + " runs past the end of the file (" +
                 std::to_string(size) + " bytes)");
    }
    const uint8_t* data_section = bytes + fmt::kLengthBytes + header_size;
    HeaderReader reader(source, size - fmt::kLengthBytes - header_size);
    const json header =
        reader.parse_json(reinterpret_cast<const char*>(bytes + fmt::kLengthBytes), header_size);

    SafeTensorsFile file;
    file.path_ = source;
    for (const auto& [key, value] : header.items()) {
      if (key == fmt::kMetadataKey) {
        file.metadata_ = reader.read_metadata(value);
      } else {
        file.entries_.push_back(reader.read_tensor_info(key, value));
      }
    }
    std::stable_sort(
        file.entries_.begin(), file.entries_.end(), [](const TensorEntry& a, const TensorEntry& b) {
          return a.data_begin != b.data_begin ? a.data_begin < b.data_begin : a.nbytes < b.nbytes;
        });
    reader.check_layout(file.entries_);

    for (size_t i = 0; i < file.entries_.size(); ++i) {
      TensorEntry& entry = file.entries_[i];
      file.index_[entry.name] = i;
      if (entry.nbytes == 0) continue;  // empty tensors keep data == nullptr
      const uint8_t* source_bytes = data_section + entry.data_begin;
      if (entry.dtype == DType::Bool) reader.check_bool_bytes(entry, source_bytes);
      const size_t alignment = dtype_size(entry.dtype);
      entry.aligned = reinterpret_cast<uintptr_t>(source_bytes) % alignment == 0;
      if (entry.aligned) {
        entry.data = source_bytes;
      } else {
        // Reading a float through a misaligned pointer is undefined behaviour
        // in C++; one aligned copy is the price of a file laid out that way.
        storage->aligned_copies.emplace_back(new uint64_t[(entry.nbytes + 7) / 8]);
        std::memcpy(storage->aligned_copies.back().get(), source_bytes, entry.nbytes);
        entry.data = storage->aligned_copies.back().get();
      }
    }
    for (const auto& name_and_index : file.index_) file.names_.push_back(name_and_index.first);
    file.storage_ = std::move(storage);
    return file;
  }
};

int64_t TensorEntry::numel() const {
  int64_t count = 1;
  for (int64_t dim : shape) count *= dim;
  return count;
}

SafeTensorsFile SafeTensorsFile::open(const std::string& path) {
  auto storage = std::make_shared<Storage>();
  try {
    storage->mapping = MappedFile::open(path);
  } catch (const std::runtime_error& error) {
    throw std::runtime_error(std::string("safetensors file: ") + error.what());
  }
  const MappedFile& mapping = *storage->mapping;
  return SafeTensorsParser::parse(path, mapping.data(), mapping.size(), storage);
}

SafeTensorsFile SafeTensorsFile::parse(std::string bytes, const std::string& source_name) {
  auto storage = std::make_shared<Storage>();
  storage->bytes = std::move(bytes);
  const auto* data = reinterpret_cast<const uint8_t*>(storage->bytes.data());
  return SafeTensorsParser::parse(source_name, data, storage->bytes.size(), storage);
}

const TensorEntry& SafeTensorsFile::get(const std::string& name) const {
  auto found = index_.find(name);
  if (found == index_.end()) {
    throw std::runtime_error("safetensors file '" + path_ + "': no tensor named '" + name +
                             "' (the file holds " + std::to_string(entries_.size()) + " tensors)");
  }
  return entries_[found->second];
}

}  // namespace nlammr
