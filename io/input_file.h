// The one way nlammr opens a file it reads as input.
//
// A path that names a FIFO, a character device or a socket would block a
// plain open() until a writer appears, or stream forever: such a file is
// rejected with a message instead. The file is opened without blocking,
// checked with fstat on the open descriptor (so nothing can swap it between
// the check and the read), and only then read.
#pragma once

#include <string>

namespace nlammr {

// Opens `path` for reading; returns a descriptor the caller closes. Throws
// std::runtime_error naming the path when it cannot be opened, is a
// directory, or is not a regular file.
int open_input_file(const std::string& path);

// The whole contents of the regular file at `path` (through open_input_file).
std::string read_input_file(const std::string& path);

}  // namespace nlammr
