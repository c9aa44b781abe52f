#include "io/csv_reader.h"

#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "io/input_file.h"

namespace nlammr {

namespace {

constexpr size_t kBufferBytes = 1 << 20;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

ByteStream::ByteStream(const std::string& path) : path_(path), buffer_(kBufferBytes) {
  const int fd = open_input_file(path);
  gzFile file = gzdopen(fd, "rb");
  if (file == nullptr) {
    ::close(fd);
    throw std::runtime_error(path + ": cannot open file (out of memory)");
  }
  gzbuffer(file, 1 << 17);
  gz_ = file;
}

ByteStream::~ByteStream() {
  if (gz_ != nullptr) gzclose(static_cast<gzFile>(gz_));
}

bool ByteStream::refill() {
  gzFile file = static_cast<gzFile>(gz_);
  int n = gzread(file, buffer_.data(), static_cast<unsigned>(buffer_.size()));
  int code = Z_OK;
  const char* message = gzerror(file, &code);
  if (n < 0) {
    throw std::runtime_error(path_ + ": read error (" + std::string(message ? message : "?") +
                             "); is the gzip file corrupted?");
  }
  // zlib hands back what it could decompress and reports a stream that ended
  // before its trailer only through gzerror (Z_BUF_ERROR): without this check a
  // file cut mid-stream would read as a shorter, valid table.
  if (code == Z_BUF_ERROR) {
    throw std::runtime_error(path_ + ": the gzip stream is truncated (the file ends in the middle of "
                             "compressed data); re-copy or re-download it");
  }
  pos_ = 0;
  end_ = static_cast<size_t>(n);
  return n > 0;
}

CsvReader::CsvReader(const std::string& path, char delimiter) : stream_(path), delimiter_(delimiter) {
  // A UTF-8 byte-order mark (EF BB BF) is not part of the first column name.
  if (stream_.peek() == 0xEF) {
    stream_.get();
    if (stream_.get() != 0xBB || stream_.get() != 0xBF) fail("file starts with a broken byte-order mark");
  }
}

void CsvReader::fail(const std::string& problem) const {
  throw std::runtime_error(path() + ":" + std::to_string(record_line_) + ": " + problem);
}

bool CsvReader::next(std::vector<std::string>& fields) {
  fields.clear();
  // Skip blank lines (LF or CRLF alone).
  for (;;) {
    int c = stream_.peek();
    if (c == -1) return false;
    if (c == '\n') {
      stream_.get();
      ++line_;
    } else if (c == '\r') {
      stream_.get();
      if (stream_.peek() == '\n') stream_.get();
      ++line_;
    } else {
      break;
    }
  }
  record_line_ = line_;
  std::string field;
  for (;;) {
    field.clear();
    int c = stream_.peek();
    if (c == '"') {
      // Quoted field: runs to the next lone quote; "" stands for one quote.
      stream_.get();
      for (;;) {
        c = stream_.get();
        if (c == -1) fail("quoted field is never closed (unexpected end of file)");
        if (c == '"') {
          if (stream_.peek() == '"') {
            stream_.get();
            field.push_back('"');
            continue;
          }
          break;
        }
        if (c == '\n') ++line_;
        field.push_back(static_cast<char>(c));
      }
      c = stream_.peek();
      if (c != delimiter_ && c != '\n' && c != '\r' && c != -1) {
        fail("unexpected character after a closing quote (field " + std::to_string(fields.size() + 1) + ")");
      }
    } else {
      // Unquoted field: runs to the delimiter or the end of the line.
      while (c != -1 && c != delimiter_ && c != '\n' && c != '\r') {
        field.push_back(static_cast<char>(stream_.get()));
        c = stream_.peek();
      }
    }
    fields.push_back(field);
    c = stream_.get();
    if (c == delimiter_) continue;
    if (c == '\r' && stream_.peek() == '\n') stream_.get();
    if (c == '\n' || c == '\r') ++line_;
    return true;  // end of line or end of file
  }
}

CsvHeader::CsvHeader(std::vector<std::string> names, std::string path)
    : names_(std::move(names)), path_(std::move(path)) {}

int CsvHeader::find(const std::string& name) const {
  const std::string wanted = lower(name);
  for (size_t i = 0; i < names_.size(); ++i) {
    if (lower(names_[i]) == wanted) return static_cast<int>(i);
  }
  return -1;
}

int CsvHeader::require(const std::string& name) const {
  int index = find(name);
  if (index >= 0) return index;
  std::string have;
  for (const auto& n : names_) have += (have.empty() ? "" : ", ") + n;
  throw std::runtime_error(path_ + ": missing column '" + name + "' (the header has: " + have + ")");
}

namespace {

std::vector<std::string> read_header(CsvReader& reader) {
  std::vector<std::string> names;
  if (!reader.next(names)) throw std::runtime_error(reader.path() + ": file is empty (no header line)");
  return names;
}

}  // namespace

CsvTable::CsvTable(const std::string& path, char delimiter)
    : reader(path, delimiter), header(read_header(reader), path) {}

}  // namespace nlammr
