#include "models/bert/tokenizer/basic_tokenizer.h"

#include "models/bert/tokenizer/unicode_text.h"

namespace nlammr {

namespace {

// Step 1 and 2 in one pass: both look at one character at a time.
std::u32string clean_and_space_cjk(std::u32string_view text, bool split_cjk_chars) {
  std::u32string out;
  out.reserve(text.size());
  for (char32_t cp : text) {
    if (cp == 0 || cp == 0xFFFD || unicode::is_bert_control(cp)) continue;
    if (unicode::is_bert_whitespace(cp)) {
      out.push_back(U' ');
    } else if (split_cjk_chars && unicode::is_cjk_ideograph(cp)) {
      out.push_back(U' ');
      out.push_back(cp);
      out.push_back(U' ');
    } else {
      out.push_back(cp);
    }
  }
  return out;
}

}  // namespace

std::u32string normalize_bert_text(std::u32string_view text, const BasicTokenizerOptions& options) {
  std::u32string out = clean_and_space_cjk(text, options.split_cjk_chars);
  if (options.strips_accents()) out = unicode::strip_accents(out);
  if (options.lowercase) out = unicode::to_lower(out);
  return out;
}

std::vector<std::u32string> split_bert_words(std::u32string_view normalized) {
  std::vector<std::u32string> words;
  std::u32string current;
  auto finish_word = [&] {
    if (!current.empty()) words.push_back(std::move(current));
    current.clear();
  };
  for (char32_t cp : normalized) {
    if (unicode::is_bert_whitespace(cp)) {
      finish_word();
    } else if (unicode::is_bert_punctuation(cp)) {
      finish_word();
      words.emplace_back(1, cp);
    } else {
      current.push_back(cp);
    }
  }
  finish_word();
  return words;
}

std::vector<std::u32string> basic_tokenize(std::u32string_view text, const BasicTokenizerOptions& options) {
  return split_bert_words(normalize_bert_text(text, options));
}

}  // namespace nlammr
