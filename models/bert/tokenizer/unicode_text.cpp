#include "models/bert/tokenizer/unicode_text.h"

#include <utf8proc.h>

#include <stdexcept>
#include <vector>

namespace nlammr::unicode {

std::u32string decode_utf8(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  size_t pos = 0;
  while (pos < text.size()) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t used =
        utf8proc_iterate(bytes + pos, static_cast<utf8proc_ssize_t>(text.size() - pos), &cp);
    if (used <= 0 || cp < 0) {
      throw std::runtime_error("text is not valid UTF-8 (bad byte sequence at byte " + std::to_string(pos) +
                               " of " + std::to_string(text.size()) + ")");
    }
    out.push_back(static_cast<char32_t>(cp));
    pos += static_cast<size_t>(used);
  }
  return out;
}

void append_utf8(std::string& out, char32_t cp) {
  utf8proc_uint8_t buf[4];
  utf8proc_ssize_t n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(cp), buf);
  out.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
}

std::string encode_utf8(std::u32string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t cp : text) append_utf8(out, cp);
  return out;
}

bool is_bert_whitespace(char32_t cp) {
  if (cp == U' ' || cp == U'\t' || cp == U'\n' || cp == U'\r') return true;
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
      return true;
    default:
      return false;
  }
}

bool is_bert_control(char32_t cp) {
  if (cp == U'\t' || cp == U'\n' || cp == U'\r') return false;
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
    case UTF8PROC_CATEGORY_CC:
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_CS:
    case UTF8PROC_CATEGORY_CO:
      return true;
    default:
      return false;
  }
}

bool is_bert_punctuation(char32_t cp) {
  // The four ASCII runs between letters and digits: ! to /, : to @, [ to `, { to ~.
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) ||
      (cp >= 123 && cp <= 126)) {
    return true;
  }
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
    case UTF8PROC_CATEGORY_PC:
    case UTF8PROC_CATEGORY_PD:
    case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI:
    case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO:
      return true;
    default:
      return false;
  }
}

bool is_cjk_ideograph(char32_t cp) {
  // The blocks listed by the reference tokenizer (CJK Unified Ideographs and
  // extensions A-F, compatibility ideographs). Its extension-E range starts at
  // U+2B920, so U+2B820..U+2B91F are deliberately left out to give the same ids.
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F) ||
         (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

std::u32string strip_accents(std::u32string_view text) {
  if (text.empty()) return {};
  // utf8proc decomposes whole UTF-8 strings (which also puts combining marks in
  // canonical order, as NFD requires); a first call with no buffer sizes the output.
  const std::string utf8 = encode_utf8(text);
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(utf8.data());
  const auto length = static_cast<utf8proc_ssize_t>(utf8.size());
  utf8proc_ssize_t needed = utf8proc_decompose(bytes, length, nullptr, 0, UTF8PROC_DECOMPOSE);
  if (needed < 0) throw std::runtime_error(std::string("NFD failed: ") + utf8proc_errmsg(needed));
  std::vector<utf8proc_int32_t> decomposed(static_cast<size_t>(needed));
  utf8proc_ssize_t written = utf8proc_decompose(bytes, length, decomposed.data(), needed, UTF8PROC_DECOMPOSE);
  if (written != needed) throw std::runtime_error("NFD failed: inconsistent output length");

  std::u32string out;
  out.reserve(decomposed.size());
  for (utf8proc_int32_t cp : decomposed) {
    if (utf8proc_category(cp) != UTF8PROC_CATEGORY_MN) out.push_back(static_cast<char32_t>(cp));
  }
  return out;
}

std::u32string to_lower(std::u32string_view text) {
  std::u32string out;
  out.reserve(text.size());
  for (char32_t cp : text) {
    // U+0130 (capital I with dot above) is the one character whose full
    // lower-case form is two code points ("i" + combining dot above); the
    // reference tokenizer uses full mappings, utf8proc the one-to-one ones.
    if (cp == 0x130) {
      out.push_back(U'i');
      out.push_back(0x307);
      continue;
    }
    out.push_back(static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp))));
  }
  return out;
}

}  // namespace nlammr::unicode
