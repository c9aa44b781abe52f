// BERT's tokenizer: text -> token ids, exactly as Hugging Face's BertTokenizer
// (checked token for token against it by tests/bert/test_tokenizer.cpp).
//
//   text --split on special tokens written literally ("[SEP]", "[MASK]")-->
//        --basic_tokenize (clean, CJK, accents, lowercase, punctuation)--> words
//        --WordPiece: greedy longest match, "##" marks a word's continuation--> ids
//
// then [CLS] ... [SEP] around, truncation to a maximum length, and padding
// when texts are encoded as a batch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/bert/tokenizer/basic_tokenizer.h"
#include "models/bert/bert_config.h"
#include "models/bert/token_batch.h"
#include "models/bert/tokenizer/vocab.h"

namespace nlammr {

// Texts encoded in decreasing order of token count and cut into batches, so
// each batch is padded only to the longest of similar-length texts.
struct SortedBatches {
  // order[k] is the input index of the k-th row counted across all batches:
  // row r of batches[b] is texts[order[b * batch_size + r]].
  std::vector<size_t> order;
  std::vector<Batch> batches;
};

class WordPieceTokenizer {
 public:
  // Words longer than this many characters become [UNK] without being split.
  static constexpr size_t kMaxInputCharsPerWord = 100;

  // Loads vocab.txt, tokenizer_config.json (optional) and config.json from a
  // checkpoint folder. The default maximum length is tokenizer_config.json's
  // model_max_length capped by config.json's max_position_embeddings.
  static WordPieceTokenizer from_model_dir(const std::string& dir);

  // `max_length` is the default truncation length (special tokens included).
  // Throws when the vocabulary lacks the unknown, CLS, SEP or PAD token.
  WordPieceTokenizer(Vocab vocab, const TokenizerConfig& config, int64_t max_length);

  // Word pieces of `text`, without [CLS]/[SEP] and without truncation.
  std::vector<std::string> tokenize(const std::string& text) const;

  // Token ids of `text`: [CLS] pieces [SEP] when add_special_tokens, cut to
  // `max_length` ids in total (0 means this tokenizer's default max_length()).
  // Truncation drops pieces at the end, never [CLS]/[SEP].
  std::vector<int32_t> encode(const std::string& text, bool add_special_tokens = true,
                              int64_t max_length = 0) const;

  // encode() for each text (with special tokens), padded to the longest row.
  Batch encode_batch(const std::vector<std::string>& texts, int64_t max_length = 0) const;

  // encode() for each text, rows sorted by decreasing length, cut into
  // batches of at most `batch_size` rows.
  SortedBatches encode_sorted_batches(const std::vector<std::string>& texts, int64_t batch_size,
                                      int64_t max_length = 0) const;

  int32_t token_id(const std::string& token) const { return vocab_.id(token); }
  const std::string& id_to_token(int32_t id) const { return vocab_.token(id); }
  const Vocab& vocab() const { return vocab_; }
  int64_t max_length() const { return max_length_; }
  int32_t unk_id() const { return unk_id_; }
  int32_t cls_id() const { return cls_id_; }
  int32_t sep_id() const { return sep_id_; }
  int32_t pad_id() const { return pad_id_; }

 private:
  // Ids of the pieces of `text`, no [CLS]/[SEP], no truncation.
  std::vector<int32_t> piece_ids(const std::string& text) const;
  // Appends the WordPiece ids of one word from basic_tokenize.
  void append_word_pieces(const std::u32string& word, std::vector<int32_t>& ids) const;
  int64_t resolve_max_length(int64_t requested, bool add_special_tokens) const;

  Vocab vocab_;
  BasicTokenizerOptions basic_options_;
  int64_t max_length_ = 0;
  int32_t unk_id_ = 0, cls_id_ = 0, sep_id_ = 0, pad_id_ = 0;
  // Special tokens that are matched literally in the input text, with their ids.
  struct LiteralSpecial {
    std::u32string text;
    int32_t id;
  };
  std::vector<LiteralSpecial> literal_specials_;
};

}  // namespace nlammr
