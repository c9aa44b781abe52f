// vocab.txt (models/bert/tokenizer/vocab.cpp) and the WordPiece tokenizer
// built on it: line endings, empty lines, duplicates, invalid UTF-8, missing
// special tokens. An accepted vocabulary then tokenizes a fixed text and
// (the last line of the input) a text of the input's own, and every id it
// returns must be inside the vocabulary.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "fuzz/fuzz_support.h"
#include "models/bert/tokenizer/vocab.h"
#include "models/bert/tokenizer/wordpiece_tokenizer.h"

namespace {

void check_ids(const std::vector<int32_t>& ids, int64_t n) {
  for (int32_t id : ids)
    if (id < 0 || id >= n) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = nlammr::fuzz::write_scratch_file("vocab.txt", data, size);
  std::optional<nlammr::WordPieceTokenizer> tokenizer;
  int64_t n = 0;
  try {
    nlammr::Vocab vocab = nlammr::Vocab::from_file(path);
    n = vocab.size();
    if (n <= 0) __builtin_trap();
    for (int32_t id = 0; id < n; ++id)
      if (vocab.id(vocab.token(id)) != id) __builtin_trap();
    tokenizer.emplace(std::move(vocab), nlammr::TokenizerConfig{}, 64);
    check_ids(tokenizer->encode("Short of breath, chest pain; h\xc3\xa9llo \xe4\xb8\xad\xe6\x96\x87 ##ing [SEP] unaffable"), n);
  } catch (const std::runtime_error& e) {
    nlammr::fuzz::require_names_input(e, "vocab.txt");
    return 0;
  }
  // The input's last line as a text to tokenize (its errors concern the text, not a file).
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t last_newline = input.find_last_of('\n');
  const std::string own_text = last_newline == std::string::npos ? input : input.substr(last_newline + 1);
  try {
    check_ids(tokenizer->encode(own_text), n);
  } catch (const std::runtime_error&) {
  }
  return 0;
}
