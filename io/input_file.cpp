#include "io/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace nlammr {
namespace {

std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

[[noreturn]] void fail(int fd, const std::string& message) {
  if (fd >= 0) ::close(fd);
  throw std::runtime_error(message);
}

}  // namespace

int open_input_file(const std::string& path) {
  // O_NONBLOCK: opening a FIFO with no writer returns at once instead of
  // waiting for one; the check below then rejects it.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) fail(-1, path + ": cannot open file (" + std::strerror(errno) + ")");
  struct stat info {};
  if (::fstat(fd, &info) != 0) fail(fd, path + ": cannot stat file (" + std::strerror(errno) + ")");
  if (!S_ISREG(info.st_mode)) {
    fail(fd, path + ": is " + kind_of(info.st_mode) + ", not a regular file; nlammr reads input only from regular files");
  }
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
    fail(fd, path + ": cannot set the file to blocking reads (" + std::strerror(errno) + ")");
  }
  return fd;
}

std::string read_input_file(const std::string& path) {
  const int fd = open_input_file(path);
  std::string contents;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EINTR) continue;
      fail(fd, path + ": cannot read file (" + std::strerror(errno) + ")");
    }
    if (got == 0) break;
    contents.append(buffer, static_cast<size_t>(got));
  }
  ::close(fd);
  return contents;
}

}  // namespace nlammr
