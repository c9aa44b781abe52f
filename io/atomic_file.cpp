#include "io/atomic_file.h"

#include "io/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <system_error>

namespace nlammr {

namespace {

std::string directory_of(const std::string& path) {
  const std::string parent = std::filesystem::path(path).parent_path().string();
  return parent.empty() ? "." : parent;
}

// A name no other writer (thread or process) is using right now; O_EXCL on
// open() turns the remaining chance of a clash into a retry instead of a clobber.
std::string temp_name_for(const std::string& path, int attempt) {
  static std::atomic<unsigned long> counter{0};
  const auto ticks = std::chrono::steady_clock::now().time_since_epoch().count();
  const std::string base = std::filesystem::path(path).filename().string();
  return directory_of(path) + "/." + base + ".tmp-" + std::to_string(::getpid()) + "-" +
         std::to_string(counter++) + "-" + std::to_string(ticks % 1000000007) + "-" + std::to_string(attempt);
}

int close_keeping_errno(int fd) {
  const int saved = errno;
  const int result = ::close(fd);
  errno = saved;
  return result;
}

}  // namespace

std::string errno_text(int error_number) { return std::generic_category().message(error_number); }

AtomicFileWriter::AtomicFileWriter(std::string path) : path_(std::move(path)) {
  if (path_.empty()) throw std::runtime_error("cannot write a file with an empty path");
  for (int attempt = 0; attempt < 100; ++attempt) {
    temp_path_ = temp_name_for(path_, attempt);
    // 0666 lets the process umask decide the final permissions, as for any new file.
    fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd_ >= 0) return;
    if (errno != EEXIST) break;
  }
  const int error_number = errno;
  temp_path_.clear();  // nothing of ours to remove
  fail("cannot create a temporary file in '" + directory_of(path_) + "'", error_number);
}

AtomicFileWriter::~AtomicFileWriter() {
  if (!committed_) discard();
}

void AtomicFileWriter::discard() noexcept {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
  temp_path_.clear();
}

void AtomicFileWriter::fail(const std::string& what, int error_number) {
  discard();
  throw std::runtime_error("cannot write '" + path_ + "': " + what + ": " + errno_text(error_number));
}

void AtomicFileWriter::write(const void* data, size_t size) {
  if (committed_ || fd_ < 0) throw std::logic_error("AtomicFileWriter::write after commit: " + path_);
  const char* bytes = static_cast<const char*>(data);
  while (size > 0) {
    // write() may take only part of the buffer (signals, pipes, large sizes).
    const ssize_t written = ::write(fd_, bytes, size);
    if (written < 0) {
      if (errno == EINTR) continue;
      fail("write failed", errno);
    }
    if (written == 0) fail("write made no progress", ENOSPC);
    bytes += written;
    size -= static_cast<size_t>(written);
  }
}

void AtomicFileWriter::commit() {
  if (committed_ || fd_ < 0) throw std::logic_error("AtomicFileWriter::commit called twice: " + path_);
  // The data must be on the disk before the rename publishes it; otherwise a
  // power cut could leave the new name pointing at an empty or partial file.
  if (::fsync(fd_) != 0) fail("fsync failed", errno);
  const int fd = fd_;
  fd_ = -1;
  if (close_keeping_errno(fd) != 0) fail("close failed", errno);
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    fail("cannot rename '" + temp_path_ + "' over it", errno);
  }
  committed_ = true;
  temp_path_.clear();

  // Make the rename itself durable by flushing the directory that holds it.
  const std::string directory = directory_of(path_);
  const int dir_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) {
    throw std::runtime_error("wrote '" + path_ +
                             "' but cannot open its directory to sync it: " + errno_text(errno));
  }
  // Some filesystems cannot fsync a directory (EINVAL); the file itself is
  // complete and in place, so that is not worth failing over.
  if (::fsync(dir_fd) != 0 && errno != EINVAL) {
    const int error_number = errno;
    ::close(dir_fd);
    throw std::runtime_error("wrote '" + path_ +
                             "' but syncing its directory failed: " + errno_text(error_number));
  }
  ::close(dir_fd);
}

void write_file_atomic(const std::string& path, const std::string& bytes) {
  AtomicFileWriter writer(path);
  writer.write(bytes);
  writer.commit();
}

std::string read_file(const std::string& path) { return read_input_file(path); }

}  // namespace nlammr
