// Checkpoints (io/checkpoint.cpp): a safetensors file whose metadata holds
// nlammr's JSON and whose tensors carry the "model." and "optim." prefixes.
// An accepted checkpoint's tensors are read in full (out-of-bounds reads are
// AddressSanitizer findings) and its model configuration, when it has one,
// is compared with another the way eval and resume compare them.
#include <cstdint>
#include <stdexcept>
#include <string>

#include "fuzz/fuzz_support.h"
#include "io/checkpoint.h"
#include "models/nlammr/model/config.h"
#include "models/nlammr/run_info.h"

namespace {

double touch(const std::map<std::string, nlammr::Tensor>& tensors) {
  double sum = 0;
  for (const auto& [name, tensor] : tensors) {
    if (tensor.dtype() == nlammr::DType::Float32)
      for (float v : tensor.to_vector<float>()) sum += v;
  }
  return sum;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = nlammr::fuzz::write_scratch_file("last.safetensors", data, size);
  try {
    const nlammr::Checkpoint ck = nlammr::load_checkpoint(path);
    volatile double sum = touch(ck.model) + touch(ck.optimizer);
    (void)sum;
    // What eval and resume do with the stored configuration: compare it with theirs.
    if (ck.meta.is_object() && ck.meta.contains("model_config"))
      nlammr::first_differing_key(nlammr::NlammrConfig{}.to_json(), ck.meta["model_config"]);
  } catch (const std::runtime_error& e) {
    nlammr::fuzz::require_names_input(e, "last.safetensors");
  }
  return 0;
}
