// Random damage to valid files must never crash the reader: every mutated
// file either opens (and then every byte of every tensor is readable) or is
// rejected with std::runtime_error. The seed is fixed, so a failure reproduces.
// Run this under -fsanitize=address,undefined after changing the reader;
// NLAMMR_FUZZ_ITERATIONS and NLAMMR_FUZZ_SEED scale up or vary a manual run.
#include <doctest/doctest.h>

#include <cstdlib>
#include <cstring>
#include <random>
#include <stdexcept>

#include "io/atomic_file.h"
#include "io/safetensors.h"
#include "tests/io/io_test_support.h"
#include "tests/test_support.h"

using namespace nlammr;

namespace {

class Mutator {
 public:
  explicit Mutator(uint32_t seed) : random_(seed) {}

  std::string mutate(std::string bytes) {
    const int rounds = 1 + pick(3);
    for (int round = 0; round < rounds; ++round) bytes = mutate_once(std::move(bytes));
    return bytes;
  }

 private:
  size_t pick(size_t bound) {
    return bound == 0 ? 0 : std::uniform_int_distribution<size_t>(0, bound - 1)(random_);
  }

  // Bytes of the header as the length field currently claims it.
  size_t header_end(const std::string& bytes) const {
    if (bytes.size() < 8) return bytes.size();
    uint64_t length = 0;
    std::memcpy(&length, bytes.data(), 8);
    return static_cast<size_t>(
        std::min<uint64_t>(bytes.size(), 8 + std::min<uint64_t>(length, bytes.size())));
  }

  std::string mutate_once(std::string bytes) {
    static const char kJsonish[] = "{}[]\",:0123456789-.eE \\ufF";
    const size_t end = std::max<size_t>(header_end(bytes), 1);
    switch (pick(9)) {
      case 0:  // truncate anywhere
        bytes.resize(pick(bytes.size() + 1));
        break;
      case 1:  // flip one bit in the length field or the header
        if (!bytes.empty()) bytes[pick(std::min(end, bytes.size()))] ^= static_cast<char>(1 << pick(8));
        break;
      case 2:  // overwrite a header byte with something JSON-like
        if (!bytes.empty()) bytes[pick(std::min(end, bytes.size()))] = kJsonish[pick(sizeof kJsonish - 1)];
        break;
      case 3:  // overwrite a header byte with any byte
        if (!bytes.empty()) bytes[pick(std::min(end, bytes.size()))] = static_cast<char>(pick(256));
        break;
      case 4: {  // replace a digit with another number, possibly huge or negative
        std::vector<size_t> digits;
        for (size_t i = 8; i < std::min(end, bytes.size()); ++i) {
          if (bytes[i] >= '0' && bytes[i] <= '9') digits.push_back(i);
        }
        if (digits.empty()) break;
        static const char* kNumbers[] = {
            "0",          "1",   "7",   "-1",   "99999999999999999999", "18446744073709551615",
            "4294967296", "1e3", "2.5", "65536"};
        bytes.replace(digits[pick(digits.size())], 1, kNumbers[pick(10)]);
        break;
      }
      case 5: {  // random header length
        if (bytes.size() < 8) break;
        static const uint64_t kLengths[] = {
            0, 1, 7, 8, 100'000'000, 100'000'001, ~uint64_t(0), uint64_t(1) << 63};
        uint64_t length = pick(2) ? kLengths[pick(8)] : pick(bytes.size() + 16);
        std::memcpy(&bytes[0], &length, 8);
        break;
      }
      case 6:  // insert a JSON-like character into the header
        bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(pick(std::min(end, bytes.size()) + 1)),
                     kJsonish[pick(sizeof kJsonish - 1)]);
        break;
      case 7:  // erase a header byte
        if (!bytes.empty()) bytes.erase(pick(std::min(end, bytes.size())), 1);
        break;
      case 8:  // append junk to the data section
        bytes.append(1 + pick(9), static_cast<char>(pick(256)));
        break;
    }
    return bytes;
  }

  std::mt19937 random_;
};

// Reads every byte of every tensor so that a sanitizer sees any bad pointer.
uint64_t touch_everything(const SafeTensorsFile& file) {
  uint64_t sum = 0;
  for (const TensorEntry& entry : file.entries()) {
    sum += static_cast<uint64_t>(entry.numel());
    const auto* bytes = static_cast<const uint8_t*>(entry.data);
    for (size_t i = 0; i < entry.nbytes; ++i) sum += bytes[i];
    if (dtype_is_floating(entry.dtype)) sum += to_float32(entry).size();
  }
  for (const auto& [key, value] : file.metadata()) sum += key.size() + value.size();
  return sum;
}

long from_environment(const char* name, long fallback) {
  const char* text = std::getenv(name);
  return text != nullptr ? std::strtol(text, nullptr, 10) : fallback;
}

}  // namespace

TEST_CASE("randomly damaged files are rejected cleanly or read safely") {
  std::vector<std::string> seeds;
  for (const char* name : {"reference_mixed.safetensors", "reference_plain.safetensors",
                           "unaligned.safetensors", "reference_empty.safetensors"}) {
    seeds.push_back(read_file(testing::fixture_path(std::string("io/") + name)));
  }
  Mutator mutator(static_cast<uint32_t>(from_environment("NLAMMR_FUZZ_SEED", 20240607)));
  const long iterations = from_environment("NLAMMR_FUZZ_ITERATIONS", 6000);
  long accepted = 0, rejected = 0;
  for (long iteration = 0; iteration < iterations; ++iteration) {
    const std::string bytes = mutator.mutate(seeds[static_cast<size_t>(iteration) % seeds.size()]);
    try {
      const SafeTensorsFile file = SafeTensorsFile::parse(bytes, "fuzz case " + std::to_string(iteration));
      touch_everything(file);
      ++accepted;
    } catch (const std::runtime_error& error) {
      // A rejection must say which input and what went wrong.
      const std::string message = error.what();
      CHECK_MESSAGE(message.find("fuzz case " + std::to_string(iteration)) != std::string::npos, message);
      ++rejected;
    } catch (const std::exception& error) {
      FAIL("iteration " << iteration << ": unexpected exception type: " << std::string(error.what()));
    }
  }
  MESSAGE("accepted " << accepted << ", rejected " << rejected);
  // Both outcomes must occur, or the mutations are not exercising the reader.
  CHECK(rejected > iterations / 6);
  CHECK(accepted > 0);
}

TEST_CASE("damaged files on disk go through the memory-mapped path safely") {
  testing::ScratchDir dir;
  const std::string seed = read_file(testing::fixture_path("io/reference_mixed.safetensors"));
  Mutator mutator(7);
  int rejected = 0;
  for (int iteration = 0; iteration < 200; ++iteration) {
    const std::string path = dir.file("case" + std::to_string(iteration) + ".safetensors");
    testing::write_bytes(path, mutator.mutate(seed));
    try {
      touch_everything(SafeTensorsFile::open(path));
    } catch (const std::runtime_error& error) {
      CHECK_MESSAGE(std::string(error.what()).find(path) != std::string::npos, std::string(error.what()));
      ++rejected;
    }
  }
  CHECK(rejected > 0);
}
