// A fast 128-bit content hash for telling files and records apart: the
// identity of a model checkpoint in the embedding cache, and the checksum
// that detects a damaged cache file.
//
// It is not a cryptographic hash (anyone can construct collisions on
// purpose); it detects accidental change, which is all a cache needs. The
// input is consumed eight bytes at a time, each word scrambled with the
// splitmix64 finaliser into two independent lanes, so hashing runs at
// memory speed (a 90 MB checkpoint takes a few tens of milliseconds).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace nlammr {

class ContentHasher {
 public:
  void update(const void* data, size_t size);
  // A length-prefixed string, so ("ab", "c") and ("a", "bc") hash differently.
  void update_field(const std::string& text);
  // 32 lowercase hex digits. Does not change the state: more may be added.
  std::string hex() const;

 private:
  void absorb(uint64_t word);

  uint64_t lane_a_ = 0x6a09e667f3bcc908ull;  // arbitrary distinct starting values
  uint64_t lane_b_ = 0xbb67ae8584caa73bull;
  uint64_t total_bytes_ = 0;
  uint64_t pending_ = 0;  // bytes not yet making a whole word, little-endian
  int pending_bytes_ = 0;
};

// The hash of a string's bytes.
std::string content_hash(const std::string& bytes);

// The hash of a whole file's bytes (memory-mapped, so large files are fine).
// Throws naming the file when it cannot be read.
std::string file_content_hash(const std::string& path);

}  // namespace nlammr
