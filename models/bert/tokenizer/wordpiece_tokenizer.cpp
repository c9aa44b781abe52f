#include "models/bert/tokenizer/wordpiece_tokenizer.h"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "models/bert/tokenizer/unicode_text.h"

namespace nlammr {

namespace {

int32_t required_special_id(const Vocab& vocab, const std::string& token, const char* role) {
  std::optional<int32_t> id = vocab.find(token);
  if (!id) {
    throw std::runtime_error(vocab.source() + ": the " + std::string(role) + " token '" + token +
                             "' is not in the vocabulary");
  }
  return *id;
}

}  // namespace

WordPieceTokenizer WordPieceTokenizer::from_model_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  const BertConfig model = BertConfig::from_json_file((fs::path(dir) / "config.json").string());
  const TokenizerConfig config = TokenizerConfig::from_model_dir(dir);
  int64_t max_length = model.max_position_embeddings;
  if (config.model_max_length) max_length = std::min(max_length, *config.model_max_length);
  Vocab vocab = Vocab::from_file((fs::path(dir) / "vocab.txt").string());
  if (vocab.size() > model.vocab_size) {
    throw std::runtime_error(vocab.source() + ": has " + std::to_string(vocab.size()) +
                             " tokens but config.json says vocab_size " + std::to_string(model.vocab_size));
  }
  return WordPieceTokenizer(std::move(vocab), config, max_length);
}

WordPieceTokenizer::WordPieceTokenizer(Vocab vocab, const TokenizerConfig& config, int64_t max_length)
    : vocab_(std::move(vocab)), max_length_(max_length) {
  if (max_length_ < 2) {
    throw std::runtime_error("tokenizer maximum length must be at least 2 ([CLS] and [SEP]), got " +
                             std::to_string(max_length_));
  }
  basic_options_.lowercase = config.do_lower_case;
  basic_options_.strip_accents = config.strip_accents;
  basic_options_.split_cjk_chars = config.tokenize_chinese_chars;
  unk_id_ = required_special_id(vocab_, config.unk_token, "unknown");
  cls_id_ = required_special_id(vocab_, config.cls_token, "CLS");
  sep_id_ = required_special_id(vocab_, config.sep_token, "SEP");
  pad_id_ = required_special_id(vocab_, config.pad_token, "padding");
  for (const std::string& token :
       {config.unk_token, config.cls_token, config.sep_token, config.pad_token, config.mask_token}) {
    std::optional<int32_t> id = vocab_.find(token);
    if (id && !token.empty()) literal_specials_.push_back({unicode::decode_utf8(token), *id});
  }
}

void WordPieceTokenizer::append_word_pieces(const std::u32string& word, std::vector<int32_t>& ids) const {
  if (word.size() > kMaxInputCharsPerWord) {
    ids.push_back(unk_id_);
    return;
  }
  // Byte offset of each character, so pieces are cut from the UTF-8 form that
  // the vocabulary is keyed by.
  std::string utf8;
  std::vector<size_t> offsets;
  offsets.reserve(word.size() + 1);
  for (char32_t cp : word) {
    offsets.push_back(utf8.size());
    unicode::append_utf8(utf8, cp);
  }
  offsets.push_back(utf8.size());

  const size_t n = word.size();
  const size_t longest = static_cast<size_t>(vocab_.longest_token_chars());
  std::vector<int32_t> pieces;
  std::string candidate;
  size_t start = 0;
  while (start < n) {
    // Longest match first; a piece longer than every vocabulary entry cannot
    // match, so the search starts at that length.
    const size_t prefix_chars = start > 0 ? 2 : 0;
    if (longest <= prefix_chars) break;
    size_t end = std::min(n, start + (longest - prefix_chars));
    std::optional<int32_t> found;
    for (; end > start; --end) {
      candidate.assign(start > 0 ? "##" : "");
      candidate.append(utf8, offsets[start], offsets[end] - offsets[start]);
      found = vocab_.find(candidate);
      if (found) break;
    }
    if (!found) break;
    pieces.push_back(*found);
    start = end;
  }
  // A word with any character sequence the vocabulary cannot cover is one [UNK].
  if (start < n) {
    ids.push_back(unk_id_);
  } else {
    ids.insert(ids.end(), pieces.begin(), pieces.end());
  }
}

std::vector<int32_t> WordPieceTokenizer::piece_ids(const std::string& text) const {
  const std::u32string chars = unicode::decode_utf8(text);  // throws with the byte offset of bad UTF-8
  std::vector<int32_t> ids;
  auto tokenize_segment = [&](size_t begin, size_t end) {
    if (begin >= end) return;
    const std::u32string_view segment = std::u32string_view(chars).substr(begin, end - begin);
    for (const std::u32string& word : basic_tokenize(segment, basic_options_)) append_word_pieces(word, ids);
  };

  // Special tokens written in the text ("[SEP]", "[MASK]") are kept whole and
  // are not normalised: the leftmost occurrence wins, the longest on a tie.
  size_t pos = 0;
  while (pos < chars.size()) {
    size_t best_at = std::u32string::npos;
    const LiteralSpecial* best = nullptr;
    for (const LiteralSpecial& special : literal_specials_) {
      size_t at = chars.find(special.text, pos);
      if (at == std::u32string::npos) continue;
      if (at < best_at || (at == best_at && special.text.size() > best->text.size())) {
        best_at = at;
        best = &special;
      }
    }
    if (!best) break;
    tokenize_segment(pos, best_at);
    ids.push_back(best->id);
    pos = best_at + best->text.size();
  }
  tokenize_segment(pos, chars.size());
  return ids;
}

std::vector<std::string> WordPieceTokenizer::tokenize(const std::string& text) const {
  std::vector<std::string> tokens;
  for (int32_t id : piece_ids(text)) tokens.push_back(vocab_.token(id));
  return tokens;
}

int64_t WordPieceTokenizer::resolve_max_length(int64_t requested, bool add_special_tokens) const {
  if (requested < 0)
    throw std::runtime_error("encode: max_length must be >= 0, got " + std::to_string(requested));
  const int64_t length = requested == 0 ? max_length_ : requested;
  if (add_special_tokens && length < 2) {
    throw std::runtime_error("encode: max_length " + std::to_string(length) +
                             " leaves no room for [CLS] and [SEP]");
  }
  return length;
}

std::vector<int32_t> WordPieceTokenizer::encode(const std::string& text, bool add_special_tokens,
                                                int64_t max_length) const {
  const int64_t limit = resolve_max_length(max_length, add_special_tokens);
  std::vector<int32_t> pieces = piece_ids(text);
  const size_t budget = static_cast<size_t>(add_special_tokens ? limit - 2 : limit);
  if (pieces.size() > budget) pieces.resize(budget);
  if (!add_special_tokens) return pieces;

  std::vector<int32_t> ids;
  ids.reserve(pieces.size() + 2);
  ids.push_back(cls_id_);
  ids.insert(ids.end(), pieces.begin(), pieces.end());
  ids.push_back(sep_id_);
  return ids;
}

Batch WordPieceTokenizer::encode_batch(const std::vector<std::string>& texts, int64_t max_length) const {
  std::vector<std::vector<int32_t>> rows;
  rows.reserve(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    try {
      rows.push_back(encode(texts[i], true, max_length));
    } catch (const std::exception& e) {
      throw std::runtime_error("text " + std::to_string(i) + ": " + e.what());
    }
  }
  return pad_rows(rows, pad_id_);
}

SortedBatches WordPieceTokenizer::encode_sorted_batches(const std::vector<std::string>& texts,
                                                        int64_t batch_size, int64_t max_length) const {
  if (batch_size <= 0) {
    throw std::runtime_error("encode_sorted_batches: batch_size must be positive, got " +
                             std::to_string(batch_size));
  }
  std::vector<std::vector<int32_t>> rows;
  std::vector<size_t> lengths;
  rows.reserve(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    try {
      rows.push_back(encode(texts[i], true, max_length));
    } catch (const std::exception& e) {
      throw std::runtime_error("text " + std::to_string(i) + ": " + e.what());
    }
    lengths.push_back(rows.back().size());
  }

  SortedBatches out;
  out.order = order_by_decreasing_length(lengths);
  const size_t step = static_cast<size_t>(batch_size);
  for (size_t first = 0; first < out.order.size(); first += step) {
    const size_t last = std::min(out.order.size(), first + step);
    std::vector<std::vector<int32_t>> batch_rows;
    for (size_t k = first; k < last; ++k) batch_rows.push_back(std::move(rows[out.order[k]]));
    out.batches.push_back(pad_rows(batch_rows, pad_id_));
  }
  return out;
}

}  // namespace nlammr
