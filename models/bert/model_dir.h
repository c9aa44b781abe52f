// Where BERT checkpoints live on disk: a Hugging Face checkpoint folder as
// downloaded (config.json, vocab.txt, model.safetensors, and optionally
// tokenizer_config.json), and the default model installed by scripts/setup.sh.
#pragma once

#include <string>

namespace nlammr {

// The environment variable that overrides the default model folder.
inline constexpr const char* kModelDirEnvVar = "NLAMMR_MODEL";

// The default sentence encoder (all-MiniLM-L6-v2), in this order:
//   1. $NLAMMR_MODEL when set (it must then be a valid checkpoint folder);
//   2. <source dir>/.cache/models/all-MiniLM-L6-v2 when it exists.
// Otherwise throws an error telling the user to run scripts/setup.sh or to
// pass --model DIR. The folder returned has passed validate_model_dir().
std::string find_default_model_dir();

// The project-local install location used by step 2 (it may not exist).
std::string project_model_cache_dir();

// Checks that `dir` is a folder holding config.json, vocab.txt and
// model.safetensors; throws naming the folder and the missing file (with the
// conversion command when only a PyTorch pytorch_model.bin is present).
void validate_model_dir(const std::string& dir);

}  // namespace nlammr
