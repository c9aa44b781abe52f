#include "io/content_hash.h"

#include <cstring>

#include "io/mapped_file.h"

namespace nlammr {

namespace {

// The splitmix64 finaliser: every input bit affects every output bit.
uint64_t mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

uint64_t rotate_left(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

void append_hex(std::string& out, uint64_t value) {
  static const char digits[] = "0123456789abcdef";
  for (int shift = 60; shift >= 0; shift -= 4) out.push_back(digits[(value >> shift) & 0xf]);
}

}  // namespace

void ContentHasher::absorb(uint64_t word) {
  // Two lanes with different constants and rotations; the rotation makes the
  // result depend on word order.
  lane_a_ = rotate_left(lane_a_ ^ mix(word), 29) * 0x9e3779b97f4a7c15ull;
  lane_b_ = rotate_left(lane_b_ + mix(word ^ 0xc2b2ae3d27d4eb4full), 37) * 0xff51afd7ed558ccdull;
}

void ContentHasher::update(const void* data, size_t size) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  total_bytes_ += size;
  size_t i = 0;
  while (pending_bytes_ != 0 && i < size) {  // finish a word begun by an earlier call
    pending_ |= static_cast<uint64_t>(bytes[i++]) << (8 * pending_bytes_);
    if (++pending_bytes_ == 8) {
      absorb(pending_);
      pending_ = 0, pending_bytes_ = 0;
    }
  }
  for (; i + 8 <= size; i += 8) {
    uint64_t word;
    std::memcpy(&word, bytes + i, 8);  // the machine is little-endian (x86-64, ARM64)
    absorb(word);
  }
  for (; i < size; ++i) pending_ |= static_cast<uint64_t>(bytes[i]) << (8 * pending_bytes_++);
}

void ContentHasher::update_field(const std::string& text) {
  const uint64_t n = text.size();
  update(&n, sizeof n);
  update(text.data(), text.size());
}

std::string ContentHasher::hex() const {
  ContentHasher final_state = *this;
  // The tail and the length go in last, so inputs that differ only in
  // trailing zero bytes hash differently.
  final_state.absorb(final_state.pending_ ^ (static_cast<uint64_t>(final_state.pending_bytes_) << 56));
  final_state.absorb(total_bytes_);
  std::string out;
  append_hex(out, mix(final_state.lane_a_ ^ rotate_left(final_state.lane_b_, 17)));
  append_hex(out, mix(final_state.lane_b_ + final_state.lane_a_));
  return out;
}

std::string content_hash(const std::string& bytes) {
  ContentHasher h;
  h.update(bytes.data(), bytes.size());
  return h.hex();
}

std::string file_content_hash(const std::string& path) {
  auto file = MappedFile::open(path);
  ContentHasher h;
  h.update(file->data(), file->size());
  return h.hex();
}

}  // namespace nlammr
