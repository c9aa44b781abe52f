// A streaming reader for the comma-separated tables of MIMIC and of the drug
// mapping files: RFC 4180 quoting (fields with commas, line breaks and doubled
// quotes inside quotes), LF or CRLF line ends, an optional UTF-8 byte-order
// mark, and gzip-compressed input (".csv.gz") read transparently through zlib.
//
// Errors name the file and the line where the broken record started.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace nlammr {

// Reads a file byte by byte, decompressing gzip input on the fly (zlib reads
// plain files through the same interface). Owns its buffer.
class ByteStream {
 public:
  explicit ByteStream(const std::string& path);
  ~ByteStream();
  ByteStream(const ByteStream&) = delete;
  ByteStream& operator=(const ByteStream&) = delete;

  // Next byte, or -1 at the end of the file.
  int get() {
    if (pos_ == end_ && !refill()) return -1;
    return static_cast<unsigned char>(buffer_[pos_++]);
  }
  // The byte get() would return next, without consuming it.
  int peek() {
    if (pos_ == end_ && !refill()) return -1;
    return static_cast<unsigned char>(buffer_[pos_]);
  }
  const std::string& path() const { return path_; }

 private:
  bool refill();

  std::string path_;
  void* gz_ = nullptr;  // gzFile, kept opaque so that zlib.h stays out of headers
  std::vector<char> buffer_;
  size_t pos_ = 0;
  size_t end_ = 0;
};

class CsvReader {
 public:
  explicit CsvReader(const std::string& path, char delimiter = ',');

  // Reads the next record into `fields`; false at the end of the file.
  // Blank lines are skipped. Throws std::runtime_error on a quoted field
  // that never closes or on text between a closing quote and the delimiter.
  bool next(std::vector<std::string>& fields);

  // 1-based line number where the record last returned by next() started.
  size_t record_line() const { return record_line_; }
  const std::string& path() const { return stream_.path(); }

 private:
  [[noreturn]] void fail(const std::string& problem) const;

  ByteStream stream_;
  char delimiter_;
  size_t line_ = 1;  // line of the next byte to read
  size_t record_line_ = 0;
};

// The header of a table, for finding columns by name. Names are compared
// without regard to case, since MIMIC-III spells them in upper case and
// MIMIC-IV in lower case.
class CsvHeader {
 public:
  CsvHeader(std::vector<std::string> names, std::string path);
  // Index of the column, or -1.
  int find(const std::string& name) const;
  // Index of the column; throws naming the file and the columns it has.
  int require(const std::string& name) const;
  size_t size() const { return names_.size(); }

 private:
  std::vector<std::string> names_;
  std::string path_;
};

// Opens a table and reads its header line; throws when the file is empty.
struct CsvTable {
  explicit CsvTable(const std::string& path, char delimiter = ',');
  CsvReader reader;
  CsvHeader header;
};

}  // namespace nlammr
