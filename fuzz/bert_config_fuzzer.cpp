// A BERT config.json and tokenizer_config.json (models/bert/bert_config.cpp):
// types, missing fields, sizes and layer_norm_eps against their limits. An
// accepted configuration must be one the model can be built from, so its
// derived sizes are checked here too.
#include <cstdint>
#include <stdexcept>
#include <string>

#include "fuzz/fuzz_support.h"
#include "models/bert/bert_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const nlammr::BertConfig config = nlammr::BertConfig::from_json_text(text, "config.json");
    if (config.hidden_size <= 0 || config.num_attention_heads <= 0 || config.head_dim() <= 0 ||
        config.head_dim() * config.num_attention_heads != config.hidden_size || config.vocab_size <= 0 ||
        config.num_hidden_layers <= 0 || config.intermediate_size <= 0 || config.max_position_embeddings <= 0 ||
        config.type_vocab_size <= 0 || config.pad_token_id < 0 || config.pad_token_id >= config.vocab_size ||
        !(config.layer_norm_eps > 0))
      __builtin_trap();  // accepted, yet no model can be built from it
  } catch (const std::runtime_error& e) {
    nlammr::fuzz::require_names_input(e, "config.json");
  }
  try {
    nlammr::TokenizerConfig::from_json_text(text, "tokenizer_config.json");
  } catch (const std::runtime_error& e) {
    nlammr::fuzz::require_names_input(e, "tokenizer_config.json");
  }
  return 0;
}
