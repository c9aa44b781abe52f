#include "models/bert/tokenizer/vocab.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "io/input_file.h"
#include "models/bert/tokenizer/unicode_text.h"

namespace nlammr {

Vocab Vocab::from_file(const std::string& path) {
  const std::string text = read_input_file(path);
  if (text.empty()) throw std::runtime_error(path + ": vocabulary file is empty");

  // Lines end in "\n", "\r\n" or a lone "\r" (the reference reads the file in
  // text mode, which accepts all three). A final newline does not start a token.
  std::vector<std::string> tokens;
  std::string line;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      tokens.push_back(std::move(line));
      line.clear();
    } else {
      line.push_back(c);
    }
  }
  if (!line.empty()) tokens.push_back(std::move(line));
  return from_tokens(std::move(tokens), path);
}

Vocab Vocab::from_tokens(std::vector<std::string> tokens, const std::string& source) {
  if (tokens.empty()) throw std::runtime_error(source + ": vocabulary is empty");
  if (tokens.size() > static_cast<size_t>(INT32_MAX)) {
    throw std::runtime_error(source + ": vocabulary has more than 2^31 tokens");
  }
  Vocab vocab;
  vocab.source_ = source;
  vocab.ids_.reserve(tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string& token = tokens[i];
    // Blank lines keep their id (ids are line numbers) but can never match:
    // WordPiece only looks up non-empty pieces.
    if (token.empty()) continue;
    std::u32string chars;
    try {
      chars = unicode::decode_utf8(token);
    } catch (const std::exception& e) {
      throw std::runtime_error(source + ": line " + std::to_string(i + 1) + ": " + e.what());
    }
    auto [it, inserted] = vocab.ids_.emplace(token, static_cast<int32_t>(i));
    if (!inserted) {
      throw std::runtime_error(source + ": token '" + token + "' appears twice (lines " +
                               std::to_string(it->second + 1) + " and " + std::to_string(i + 1) + ")");
    }
    vocab.longest_token_chars_ =
        std::max<int64_t>(vocab.longest_token_chars_, static_cast<int64_t>(chars.size()));
  }
  if (vocab.ids_.empty()) throw std::runtime_error(source + ": vocabulary has only blank lines");
  vocab.tokens_ = std::move(tokens);
  return vocab;
}

std::optional<int32_t> Vocab::find(const std::string& token) const {
  auto it = ids_.find(token);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

int32_t Vocab::id(const std::string& token) const {
  auto it = ids_.find(token);
  if (it == ids_.end())
    throw std::runtime_error(source_ + ": token '" + token + "' is not in the vocabulary");
  return it->second;
}

const std::string& Vocab::token(int32_t id) const {
  if (id < 0 || static_cast<size_t>(id) >= tokens_.size()) {
    throw std::runtime_error(source_ + ": token id " + std::to_string(id) +
                             " is outside the vocabulary (size " + std::to_string(tokens_.size()) + ")");
  }
  return tokens_[static_cast<size_t>(id)];
}

}  // namespace nlammr
