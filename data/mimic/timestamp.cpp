#include "data/mimic/timestamp.h"

#include <cctype>

namespace nlammr {

namespace {

// Reads 1..max_digits digits at text[pos]; advances pos.
bool read_number(const std::string& text, size_t& pos, int max_digits, int& value, int* digits_read = nullptr) {
  int digits = 0;
  value = 0;
  while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])) && digits < max_digits) {
    value = value * 10 + (text[pos] - '0');
    ++pos;
    ++digits;
  }
  if (digits_read) *digits_read = digits;
  return digits > 0;
}

bool expect(const std::string& text, size_t& pos, char c) {
  if (pos < text.size() && text[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

int days_in_month(int year, int month) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : days[month - 1];
}

}  // namespace

std::optional<ParsedTimestamp> parse_mimic_timestamp(const std::string& text) {
  size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  ParsedTimestamp parsed;
  int digits = 0;
  if (!read_number(text, pos, 4, year, &digits)) return std::nullopt;
  if (digits == 4 && expect(text, pos, '-')) {
    // ISO: YYYY-MM-DD
    if (!read_number(text, pos, 2, month) || !expect(text, pos, '-') || !read_number(text, pos, 2, day)) {
      return std::nullopt;
    }
  } else if (digits <= 2 && expect(text, pos, '/')) {
    // Spreadsheet: M/D/YY or M/D/YYYY
    month = year;
    int year_digits = 0;
    if (!read_number(text, pos, 2, day) || !expect(text, pos, '/') ||
        !read_number(text, pos, 4, year, &year_digits)) {
      return std::nullopt;
    }
    if (year_digits == 2) {
      year += 2100;
      parsed.two_digit_year = true;
    } else if (year_digits != 4) {
      return std::nullopt;
    }
  } else {
    return std::nullopt;
  }
  if (pos < text.size()) {
    if (!expect(text, pos, ' ') || !read_number(text, pos, 2, hour) || !expect(text, pos, ':') ||
        !read_number(text, pos, 2, minute)) {
      return std::nullopt;
    }
    if (pos < text.size() && (!expect(text, pos, ':') || !read_number(text, pos, 2, second))) return std::nullopt;
    // Fractional seconds are ignored.
    if (pos < text.size() && text[pos] == '.') pos = text.size();
    if (pos != text.size()) return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 ||
      second > 60) {
    return std::nullopt;
  }
  parsed.key = ((((static_cast<int64_t>(year) * 13 + month) * 32 + day) * 24 + hour) * 60 + minute) * 61 + second;
  return parsed;
}

}  // namespace nlammr
