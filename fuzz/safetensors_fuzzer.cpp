// The safetensors reader (io/safetensors_read.cpp) on arbitrary bytes: the
// header length, the JSON header, dtypes, shapes, offsets and the data
// section. A file it accepts must be safe to use: every tensor's bytes are
// read (converted to float32 where floating) so a wrong size or offset is an
// out-of-bounds read under AddressSanitizer.
#include <cstdint>
#include <stdexcept>
#include <string>

#include "fuzz/fuzz_support.h"
#include "io/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string name = "fuzz.safetensors";
  try {
    nlammr::SafeTensorsFile file =
        nlammr::SafeTensorsFile::parse(std::string(reinterpret_cast<const char*>(data), size), name);
    uint64_t checksum = 0;
    for (const nlammr::TensorEntry& entry : file.entries()) {
      const auto* bytes = static_cast<const uint8_t*>(entry.data);
      for (size_t i = 0; i < entry.nbytes; ++i) checksum += bytes[i];
      if (nlammr::dtype_is_floating(entry.dtype)) {
        const std::vector<float> values = nlammr::to_float32(entry);
        if (static_cast<int64_t>(values.size()) != entry.numel()) __builtin_trap();
      }
      if (file.get(entry.name).name != entry.name) __builtin_trap();
    }
    // Opening the same bytes from a file must agree with parsing them.
    const std::string path = nlammr::fuzz::write_scratch_file(name, data, size);
    nlammr::SafeTensorsFile mapped = nlammr::SafeTensorsFile::open(path);
    if (mapped.entries().size() != file.entries().size()) __builtin_trap();
    (void)checksum;
  } catch (const std::runtime_error& e) {
    nlammr::fuzz::require_names_input(e, name);
  }
  return 0;
}
