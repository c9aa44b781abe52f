#include "io/tfrecord.h"

#include <boost/crc.hpp>

#include <stdexcept>

#include "io/input_file.h"

namespace nlammr {

namespace {

void put_le(std::string& out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

uint64_t get_le(const std::string& in, size_t at, int bytes) {
  uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) value |= static_cast<uint64_t>(static_cast<unsigned char>(in[at + i])) << (8 * i);
  return value;
}

}  // namespace

uint32_t crc32c(const void* data, size_t size) {
  // Castagnoli polynomial, reflected in and out, initial and final XOR all ones.
  boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true> crc;
  crc.process_bytes(data, size);
  return crc.checksum();
}

uint32_t masked_crc32c(const void* data, size_t size) {
  const uint32_t crc = crc32c(data, size);
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

std::string tfrecord_frame(const std::string& data) {
  std::string out;
  out.reserve(data.size() + 16);
  put_le(out, data.size(), 8);
  put_le(out, masked_crc32c(out.data(), 8), 4);
  out += data;
  put_le(out, masked_crc32c(data.data(), data.size()), 4);
  return out;
}

TfRecordReadResult read_tfrecords(const std::string& path, bool allow_truncated_tail) {
  const std::string bytes = read_input_file(path);
  TfRecordReadResult result;
  size_t at = 0;
  while (at < bytes.size()) {
    const std::string where = path + ": record " + std::to_string(result.records.size() + 1) + " at byte " +
                              std::to_string(at);
    if (bytes.size() - at < 12) {
      if (allow_truncated_tail) return result.truncated_tail = true, result;
      throw std::runtime_error(where + ": the file ends inside the record's length header");
    }
    const uint64_t length = get_le(bytes, at, 8);
    if (get_le(bytes, at + 8, 4) != masked_crc32c(bytes.data() + at, 8))
      throw std::runtime_error(where + ": the length's CRC does not match (not a TFRecord file, or corrupted)");
    if (length > bytes.size() - at - 12 || bytes.size() - at - 12 - length < 4) {
      if (allow_truncated_tail) return result.truncated_tail = true, result;
      throw std::runtime_error(where + ": the file ends inside the record (" + std::to_string(length) +
                               " data bytes announced)");
    }
    const size_t data_at = at + 12;
    if (get_le(bytes, data_at + length, 4) != masked_crc32c(bytes.data() + data_at, length))
      throw std::runtime_error(where + ": the data's CRC does not match (corrupted)");
    result.records.push_back(bytes.substr(data_at, length));
    at = data_at + length + 4;
  }
  return result;
}

}  // namespace nlammr
