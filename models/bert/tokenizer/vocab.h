// A WordPiece vocabulary: vocab.txt holds one token per line, and a token's id
// is its line number counted from 0.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace nlammr {

class Vocab {
 public:
  // Reads vocab.txt. Throws std::runtime_error naming the file when it is
  // missing, empty, not UTF-8, or lists a token twice (with both line numbers).
  static Vocab from_file(const std::string& path);

  // Builds a vocabulary from tokens in id order (same checks as from_file;
  // `source` names the origin in error messages).
  static Vocab from_tokens(std::vector<std::string> tokens, const std::string& source = "vocabulary");

  int64_t size() const { return static_cast<int64_t>(tokens_.size()); }
  const std::string& source() const { return source_; }

  // The id of `token`, or nothing when it is not in the vocabulary.
  std::optional<int32_t> find(const std::string& token) const;
  bool contains(const std::string& token) const { return ids_.count(token) != 0; }

  // The id of `token`; throws naming the vocabulary file when it is absent.
  int32_t id(const std::string& token) const;

  // The token with id `id`; throws when out of range.
  const std::string& token(int32_t id) const;

  // Longest entry in code points ("##" included): WordPiece never needs to try
  // a longer piece.
  int64_t longest_token_chars() const { return longest_token_chars_; }

 private:
  std::string source_;
  std::vector<std::string> tokens_;
  std::unordered_map<std::string, int32_t> ids_;
  int64_t longest_token_chars_ = 0;
};

}  // namespace nlammr
