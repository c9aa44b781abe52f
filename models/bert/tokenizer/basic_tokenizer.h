// BERT's text normalisation and pre-tokenisation: everything that happens to
// a text before WordPiece looks words up in the vocabulary.
//
//   1. clean:     drop NUL, U+FFFD and control/format characters; every kind
//                 of whitespace (tab, newline, NBSP, U+2009, ...) becomes ' '.
//   2. CJK:       put spaces around each CJK ideograph, so each is a word.
//   3. accents:   NFD + drop non-spacing marks (when strip_accents is on).
//   4. lowercase: per character (when lowercase is on).
//   5. split:     on whitespace, and every punctuation character is a word.
//
// Hugging Face has two implementations of this: the Rust ("fast") tokenizer,
// which transformers' BertTokenizer/AutoTokenizer and sentence-transformers
// use, and the original Python one. They agree on ordinary text; where they
// do not, this code follows the fast one:
//   - lower-casing is per character, so a word-final capital sigma becomes
//     "σ" (Python's str.lower() gives "ς");
//   - no NFC composition first (Python composes "e" + U+0301 into "é", which
//     matters only for cased or accent-keeping checkpoints);
//   - unassigned code points are kept (Python deletes them);
//   - CJK extension E starts at U+2B920 (Python: U+2B820).
// utf8proc's Unicode tables are newer than those inside the fast tokenizer,
// so about 570 characters added in Unicode 10 and later (rare scripts, new
// punctuation) are classified as Unicode says, which is what the Python
// tokenizer does, and may differ from the fast one.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nlammr {

struct BasicTokenizerOptions {
  bool lowercase = true;
  // Unset means "same as lowercase", as in the original BERT.
  std::optional<bool> strip_accents;
  bool split_cjk_chars = true;

  bool strips_accents() const { return strip_accents.value_or(lowercase); }
};

// Steps 1-4: the normalised text (still one string).
std::u32string normalize_bert_text(std::u32string_view text, const BasicTokenizerOptions& options);

// Step 5 on an already normalised text.
std::vector<std::u32string> split_bert_words(std::u32string_view normalized);

// Steps 1-5.
std::vector<std::u32string> basic_tokenize(std::u32string_view text, const BasicTokenizerOptions& options);

}  // namespace nlammr
