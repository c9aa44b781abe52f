// Timestamps of the MIMIC tables turned into one sortable integer.
//
// Accepted forms: "2164-10-23 21:09:00", "2164-10-23 21:09", "2164-10-23"
// (the MIMIC exports), and "10/23/64 21:09" or "10/23/2164 21:09" (the same
// tables after a round trip through a spreadsheet). MIMIC shifts dates into
// the years 2100-2210; a two-digit year YY is read as 21YY, which can misplace
// a patient whose stays straddle 2200, so the preparation counts such values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace nlammr {

struct ParsedTimestamp {
  int64_t key = 0;           // orders like the time itself
  bool two_digit_year = false;
};

// nullopt when the text is not one of the accepted forms or not a valid date.
std::optional<ParsedTimestamp> parse_mimic_timestamp(const std::string& text);

}  // namespace nlammr
