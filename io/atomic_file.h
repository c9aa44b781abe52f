// Whole-file reads and crash-safe whole-file writes.
//
// A checkpoint that is half written when the process dies (or the disk fills)
// must never replace a good one. So writes go to a temporary file in the same
// directory, are flushed to the disk, and only then renamed over the target:
// rename() within one filesystem is atomic, so a reader sees either the old
// file or the complete new one. Readers that still have the old file open or
// memory-mapped keep seeing the old bytes (the rename swaps directory entries,
// not file contents).
#pragma once

#include <cstddef>
#include <string>

namespace nlammr {

// Streams bytes into a temporary file beside `path`; commit() makes them
// appear at `path`. If the writer is destroyed without commit() (an exception
// was thrown while producing the data), the temporary file is removed and the
// target is left untouched.
class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(std::string path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  void write(const void* data, size_t size);
  void write(const std::string& bytes) { write(bytes.data(), bytes.size()); }

  // Flushes the data to the disk, renames the temporary file over the target
  // and flushes the directory entry. Calling write() or commit() afterwards
  // is a logic error.
  void commit();

  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return temp_path_; }

 private:
  [[noreturn]] void fail(const std::string& what, int error_number);
  void discard() noexcept;

  std::string path_;
  std::string temp_path_;
  int fd_ = -1;
  bool committed_ = false;
};

// Writes `bytes` to `path` through an AtomicFileWriter.
void write_file_atomic(const std::string& path, const std::string& bytes);

// Reads a whole file. Throws std::runtime_error naming the file and the
// system's reason (missing, a directory, unreadable, ...).
std::string read_file(const std::string& path);

// "No such file or directory" for ENOENT, and so on (thread-safe strerror).
std::string errno_text(int error_number);

}  // namespace nlammr
