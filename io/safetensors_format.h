// Facts about the safetensors format shared by its reader and writer
// (internal to io/; users include io/safetensors.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "engine/dtype.h"

namespace nlammr::safetensors_format {

// Bytes of the little-endian header length that opens every file.
constexpr size_t kLengthBytes = 8;
// The reference implementation refuses headers above 100 MB; a larger value
// is a corrupt length field, not a real header.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;
// The writer pads the header with spaces to a multiple of this, so the data
// section starts 8-aligned in a page-aligned mapping.
constexpr size_t kHeaderAlignment = 8;
constexpr const char* kMetadataKey = "__metadata__";

// The DType for a dtype code ("F32" -> Float32), or nullopt when the engine
// has no such type.
std::optional<DType> dtype_from_code(const std::string& code);
// Whether the format defines `code` at all (I16, F8_E4M3, ... are defined
// but have no DType), to tell "unsupported" apart from "invalid".
bool is_defined_code(const std::string& code);
const char* code_of(DType dtype);

// Position of a dtype in the reference writer's order, which goes by
// increasing alignment: tensors with a larger rank are stored first.
int alignment_rank(DType dtype);

// Index of the first byte that breaks UTF-8 (overlong forms, surrogates and
// code points above U+10FFFF included), or nullopt when all is valid.
std::optional<size_t> first_invalid_utf8(const char* text, size_t size);

uint64_t read_u64_le(const uint8_t* bytes);
std::string u64_le_bytes(uint64_t value);

}  // namespace nlammr::safetensors_format
