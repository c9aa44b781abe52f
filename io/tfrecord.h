// TFRecord framing, the container of TensorBoard event files:
//
//   uint64 length (little endian)
//   uint32 masked CRC-32C of the 8 length bytes
//   length bytes of data
//   uint32 masked CRC-32C of the data
//
// The mask rotates the CRC right by 15 bits and adds 0xa282ead8, so that a
// CRC of data that itself holds CRCs does not degenerate.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nlammr {

// CRC-32C (Castagnoli), as iSCSI and TFRecord use it.
uint32_t crc32c(const void* data, size_t size);
uint32_t masked_crc32c(const void* data, size_t size);

// One record, framed, ready to append to a file.
std::string tfrecord_frame(const std::string& data);

struct TfRecordReadResult {
  std::vector<std::string> records;
  bool truncated_tail = false;  // the file ends inside a record
};

// Every record of the file. A length or data CRC that does not match is an
// error naming the file and the byte offset. A file that ends inside a record
// (a writer killed mid-write) is an error too, unless allow_truncated_tail:
// then the complete records before it are returned and truncated_tail is set.
TfRecordReadResult read_tfrecords(const std::string& path, bool allow_truncated_tail = false);

}  // namespace nlammr
