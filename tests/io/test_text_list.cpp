// Text lists as `nlammr encode` reads them: lines or JSONL.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "io/text_list.h"

using namespace nlammr;

namespace {

using Texts = std::vector<std::string>;

std::string error_of(const std::string& content, TextListFormat format, const std::string& source) {
  try {
    parse_text_list(content, format, source);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

TEST_CASE("one text per line: final newline, CRLF, byte-order mark and empty lines") {
  CHECK(parse_text_list("a\nb c\n", TextListFormat::Lines, "x.txt") == Texts{"a", "b c"});
  CHECK(parse_text_list("a\r\nb", TextListFormat::Lines, "x.txt") == Texts{"a", "b"});
  CHECK(parse_text_list("\xEF\xBB\xBFhello\n", TextListFormat::Lines, "x.txt") == Texts{"hello"});
  CHECK(parse_text_list("a\n\nb\n", TextListFormat::Lines, "x.txt") == Texts{"a", "", "b"});
  CHECK(parse_text_list("", TextListFormat::Lines, "x.txt").empty());
}

TEST_CASE("JSONL: objects with a text field or plain strings") {
  const std::string content = "{\"text\": \"chest pain\", \"id\": 3}\n\"fever \\u00e9\"\n\n";
  CHECK(parse_text_list(content, TextListFormat::Jsonl, "x") == Texts{"chest pain", "fever \xc3\xa9"});
  // Detected by extension.
  CHECK(parse_text_list(content, TextListFormat::Auto, "codes.jsonl") ==
        Texts{"chest pain", "fever \xc3\xa9"});
  CHECK(parse_text_list(content, TextListFormat::Auto, "codes.txt").size() ==
        3);  // lines, the blank one kept
  CHECK(detect_text_list_format("a.ndjson") == TextListFormat::Jsonl);
  CHECK(detect_text_list_format("a.tsv") == TextListFormat::Lines);
}

TEST_CASE("JSONL errors name the file and the line") {
  CHECK(error_of("\"a\"\n{\"txt\": \"b\"}\n", TextListFormat::Jsonl, "in.jsonl") ==
        "in.jsonl:2: the object has no \"text\" string");
  CHECK(error_of("\"a\"\n\n\"b\"\n", TextListFormat::Jsonl, "in.jsonl") == "in.jsonl:2: blank line");
  CHECK(error_of("[1, 2]\n", TextListFormat::Jsonl, "in.jsonl").find("in.jsonl:1: expected {\"text\"") == 0);
  CHECK(error_of("{\"text\": \n", TextListFormat::Jsonl, "in.jsonl").find("in.jsonl:1: malformed JSON") == 0);
  CHECK(error_of("{\"text\": 5}\n", TextListFormat::Jsonl, "in.jsonl").find("no \"text\" string") !=
        std::string::npos);
  // A number beyond a double's range is nlohmann's out_of_range, not a parse
  // error; it must be reported the same way (found by fuzzing the JSON readers).
  CHECK(error_of("{\"text\": \"a\", \"id\": 1e999}\n", TextListFormat::Jsonl, "in.jsonl").find("in.jsonl:1: malformed JSON") == 0);
  CHECK_THROWS_WITH(parse_text_list_format("csv"),
                    "unknown input format 'csv' (choose auto, lines or jsonl)");
  CHECK_THROWS_WITH(read_text_list("/nonexistent/texts.txt"), doctest::Contains("/nonexistent/texts.txt"));
}

}  // namespace
