#include "io/safetensors_format.h"

#include <stdexcept>

namespace nlammr::safetensors_format {

namespace {

// Every dtype code the format defines, in the reference library's order.
// clang-format off
const char* const kDefinedCodes[] = {
    "BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0",
    "F8_E4M3FNUZ", "F8_E5M2FNUZ", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "C64",
    "F64", "I64", "U64"};
// clang-format on

}  // namespace

std::optional<DType> dtype_from_code(const std::string& code) {
  if (code == "F32") return DType::Float32;
  if (code == "F64") return DType::Float64;
  if (code == "F16") return DType::Float16;
  if (code == "BF16") return DType::BFloat16;
  if (code == "I32") return DType::Int32;
  if (code == "I64") return DType::Int64;
  if (code == "U8") return DType::UInt8;
  if (code == "BOOL") return DType::Bool;
  return std::nullopt;
}

bool is_defined_code(const std::string& code) {
  for (const char* defined : kDefinedCodes) {
    if (code == defined) return true;
  }
  return false;
}

const char* code_of(DType dtype) {
  switch (dtype) {
    case DType::Float32: return "F32";
    case DType::Float64: return "F64";
    case DType::Float16: return "F16";
    case DType::BFloat16: return "BF16";
    case DType::Int32: return "I32";
    case DType::Int64: return "I64";
    case DType::UInt8: return "U8";
    case DType::Bool: return "BOOL";
  }
  throw std::logic_error("safetensors: dtype without a code");
}

int alignment_rank(DType dtype) {
  const std::string code = code_of(dtype);
  int rank = 0;
  for (const char* defined : kDefinedCodes) {
    if (code == defined) return rank;
    ++rank;
  }
  throw std::logic_error("safetensors: dtype code missing from the defined list");
}

std::optional<size_t> first_invalid_utf8(const char* text, size_t size) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text);
  size_t i = 0;
  while (i < size) {
    const unsigned char lead = bytes[i];
    if (lead < 0x80) {
      ++i;
      continue;
    }
    // Length of the sequence and the allowed range of its second byte; the
    // narrowed ranges exclude overlong forms, surrogates and > U+10FFFF.
    size_t length = 0;
    unsigned char low = 0x80, high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) {
      length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead == 0xe0) low = 0xa0;
      if (lead == 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead == 0xf0) low = 0x90;
      if (lead == 0xf4) high = 0x8f;
    } else {
      return i;
    }
    if (size - i < length) return i;
    if (bytes[i + 1] < low || bytes[i + 1] > high) return i;
    for (size_t k = 2; k < length; ++k) {
      if (bytes[i + k] < 0x80 || bytes[i + k] > 0xbf) return i;
    }
    i += length;
  }
  return std::nullopt;
}

uint64_t read_u64_le(const uint8_t* bytes) {
  uint64_t value = 0;
  for (int k = 7; k >= 0; --k) value = (value << 8) | bytes[k];
  return value;
}

std::string u64_le_bytes(uint64_t value) {
  std::string bytes(8, '\0');
  for (int k = 0; k < 8; ++k) bytes[k] = static_cast<char>((value >> (8 * k)) & 0xff);
  return bytes;
}

}  // namespace nlammr::safetensors_format
