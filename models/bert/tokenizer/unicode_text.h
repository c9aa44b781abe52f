// UTF-8 decoding and the character classes BERT's tokenizer is defined by.
//
// Every Unicode property comes from utf8proc; the only rules written out here
// are the ones Hugging Face's BERT tokenizer adds on top of Unicode (ASCII
// symbols count as punctuation, tab/newline/CR count as whitespace, a fixed
// list of CJK ideograph blocks).
#pragma once

#include <string>
#include <string_view>

namespace nlammr::unicode {

// Decodes UTF-8 into code points. Throws std::runtime_error naming the byte
// offset when `text` is not valid UTF-8 (truncated sequence, overlong form,
// surrogate, value above U+10FFFF).
std::u32string decode_utf8(std::string_view text);

// Encodes code points as UTF-8 (all inputs come from decode_utf8 or utf8proc,
// so they are valid scalar values).
std::string encode_utf8(std::u32string_view text);
void append_utf8(std::string& out, char32_t cp);

// Space, tab, newline, carriage return and the Unicode separators (Zs, Zl, Zp).
bool is_bert_whitespace(char32_t cp);

// Control, format, surrogate and private-use characters (Unicode categories
// Cc, Cf, Cs, Co) except tab, newline and CR, which BERT treats as
// whitespace. These characters are deleted from the text. Unassigned code
// points (Cn) are kept, as Hugging Face's fast tokenizer keeps them (its
// Python tokenizer deletes them); a word holding one becomes [UNK].
bool is_bert_control(char32_t cp);

// Every ASCII character that is neither a letter, a digit, a space nor a
// control character (so '$', '^', '`', '+' count too), and every Unicode
// punctuation character (categories Pc, Pd, Ps, Pe, Pi, Pf, Po).
bool is_bert_punctuation(char32_t cp);

// The CJK ideograph blocks that BERT splits into one token per character.
bool is_cjk_ideograph(char32_t cp);

// Canonical decomposition (NFD) with every non-spacing mark (Mn) removed:
// "é" becomes "e", "Å" becomes "A".
std::u32string strip_accents(std::u32string_view text);

// Lower-cases one character at a time with the Unicode lower-case mapping
// (context-free, so a final capital sigma becomes "σ", not "ς").
std::u32string to_lower(std::u32string_view text);

}  // namespace nlammr::unicode
