#include "tests/io/io_test_support.h"

#include <cstdio>
#include <stdexcept>

namespace nlammr::testing {

void write_bytes(const std::string& path, const std::string& bytes) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) throw std::runtime_error("test setup: cannot create " + path);
  const size_t written = std::fwrite(bytes.data(), 1, bytes.size(), file);
  std::fclose(file);
  if (written != bytes.size()) throw std::runtime_error("test setup: short write to " + path);
}

std::string safetensors_bytes(const std::string& header, const std::string& data) {
  std::string bytes(8, '\0');
  const uint64_t length = header.size();
  for (int k = 0; k < 8; ++k) bytes[k] = static_cast<char>((length >> (8 * k)) & 0xff);
  return bytes + header + data;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace nlammr::testing
