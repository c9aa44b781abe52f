// The WordPiece tokenizer against Hugging Face's token ids (fixtures written by
// tools/reference/make_bert_fixtures.py), plus padding, truncation, batching
// and the errors for malformed vocabularies and texts.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "models/bert/model_dir.h"
#include "models/bert/tokenizer/wordpiece_tokenizer.h"
#include "tests/test_support.h"
#include "tests/test_support.h"

using namespace nlammr;
using nlammr::testing::ScratchDir;
namespace fs = std::filesystem;

namespace {

struct TokenizerCase {
  int64_t id = 0;
  std::string category;
  std::string text;
  int64_t max_length = 0;  // 0: no truncation requested
  std::vector<int32_t> ids;
  std::vector<std::string> tokens;
  nlohmann::json options;  // tokenizer_config overrides, or null
};

std::vector<TokenizerCase> read_cases(const std::string& path) {
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path);
  std::vector<TokenizerCase> cases;
  std::string line;
  while (std::getline(in, line)) {
    const nlohmann::json j = nlohmann::json::parse(line);
    TokenizerCase c;
    c.id = j.at("id").get<int64_t>();
    c.category = j.at("category").get<std::string>();
    c.text = j.at("text").get<std::string>();
    if (!j.at("max_length").is_null()) c.max_length = j.at("max_length").get<int64_t>();
    c.ids = j.at("ids").get<std::vector<int32_t>>();
    c.tokens = j.at("tokens").get<std::vector<std::string>>();
    if (j.contains("options")) c.options = j.at("options");
    cases.push_back(std::move(c));
  }
  return cases;
}

std::string ids_text(const std::vector<int32_t>& ids) {
  std::string s;
  for (int32_t id : ids) s += std::to_string(id) + " ";
  return s;
}

// Checks encode() and tokenize() against every case; returns how many matched.
size_t check_cases(const std::vector<TokenizerCase>& cases, const std::string& model_dir) {
  const Vocab vocab = Vocab::from_file(model_dir + "/vocab.txt");
  const TokenizerConfig base = TokenizerConfig::from_model_dir(model_dir);
  const int64_t default_max = WordPieceTokenizer::from_model_dir(model_dir).max_length();
  std::map<std::string, WordPieceTokenizer> by_options;  // one tokenizer per option set
  size_t matched = 0;
  for (const TokenizerCase& c : cases) {
    auto it = by_options.find(c.options.dump());
    if (it == by_options.end()) {
      TokenizerConfig config = base;
      if (!c.options.is_null()) {
        config.do_lower_case = c.options.value("do_lower_case", config.do_lower_case);
        if (c.options.contains("strip_accents"))
          config.strip_accents = c.options.at("strip_accents").get<bool>();
        config.tokenize_chinese_chars =
            c.options.value("tokenize_chinese_chars", config.tokenize_chinese_chars);
      }
      it = by_options.emplace(c.options.dump(), WordPieceTokenizer(vocab, config, default_max)).first;
    }
    const WordPieceTokenizer& tokenizer = it->second;
    const std::vector<int32_t> ids = tokenizer.encode(c.text, true, c.max_length);
    CHECK_MESSAGE(ids == c.ids, "case " << c.id << " (" << c.category << ") " << nlohmann::json(c.text).dump()
                                        << "\n  expected " << ids_text(c.ids) << "\n  got      "
                                        << ids_text(ids));
    if (ids == c.ids) ++matched;
    if (c.max_length == 0) {
      // Without truncation the pieces are the reference tokens minus [CLS]/[SEP].
      const std::vector<std::string> pieces(c.tokens.begin() + 1, c.tokens.end() - 1);
      CHECK_MESSAGE(tokenizer.tokenize(c.text) == pieces, "case " << c.id << " tokens");
    }
  }
  return matched;
}

const std::string kTinyDir = testing::fixture_path("bert/tiny");

}  // namespace

TEST_CASE("MiniLM vocabulary: token ids identical to transformers for every fixture text") {
  std::string model_dir;
  try {
    model_dir = find_default_model_dir();
  } catch (const std::exception& e) {
    NLAMMR_SKIP("all-MiniLM-L6-v2 is not installed (" << std::string(e.what()) << ")");
  }
  const auto cases = read_cases(testing::fixture_path("bert/tokenizer_cases.jsonl"));
  REQUIRE(cases.size() >= 250);
  std::set<std::string> categories;
  for (const auto& c : cases) categories.insert(c.category);
  CHECK(categories.count("truncation") == 1);
  CHECK(categories.count("control") == 1);
  CHECK(check_cases(cases, model_dir) == cases.size());
}

TEST_CASE("tiny vocabulary: token ids identical to transformers, cased and uncased options") {
  const auto cases = read_cases(testing::fixture_path("bert/tiny_tokenizer_cases.jsonl"));
  REQUIRE(cases.size() >= 50);
  CHECK(check_cases(cases, kTinyDir) == cases.size());
}

TEST_CASE("tokenizer: special tokens, default length limit and id lookups") {
  const WordPieceTokenizer tok = WordPieceTokenizer::from_model_dir(kTinyDir);
  CHECK(tok.max_length() == 64);  // tokenizer_config.json and config.json both say 64
  CHECK(tok.id_to_token(tok.cls_id()) == "[CLS]");
  CHECK(tok.id_to_token(tok.sep_id()) == "[SEP]");
  CHECK(tok.id_to_token(tok.pad_id()) == "[PAD]");
  CHECK(tok.id_to_token(tok.unk_id()) == "[UNK]");
  CHECK(tok.token_id("chest") == tok.vocab().id("chest"));
  CHECK_THROWS_WITH_AS(tok.token_id("not-a-token"), doctest::Contains("not in the vocabulary"),
                       std::runtime_error);
  CHECK_THROWS_AS(tok.id_to_token(static_cast<int32_t>(tok.vocab().size())), std::runtime_error);

  const std::vector<int32_t> with = tok.encode("chest pain");
  const std::vector<int32_t> without = tok.encode("chest pain", false);
  REQUIRE(with.size() == without.size() + 2);
  CHECK(with.front() == tok.cls_id());
  CHECK(with.back() == tok.sep_id());
  CHECK(std::equal(without.begin(), without.end(), with.begin() + 1));
  CHECK(tok.encode("", true) == std::vector<int32_t>{tok.cls_id(), tok.sep_id()});
  CHECK(tok.encode(" \t\n", false).empty());
}

TEST_CASE("tokenizer: truncation keeps [CLS] and [SEP] and the first pieces") {
  const WordPieceTokenizer tok = WordPieceTokenizer::from_model_dir(kTinyDir);
  std::string long_text;
  for (int i = 0; i < 100; ++i) long_text += "chest pain ";
  const std::vector<int32_t> pieces = tok.encode(long_text, false, 1000);
  REQUIRE(pieces.size() == 200);

  const std::vector<int32_t> default_cut = tok.encode(long_text);
  CHECK(default_cut.size() == 64);
  for (int64_t limit : {2, 3, 10, 63}) {
    const std::vector<int32_t> ids = tok.encode(long_text, true, limit);
    REQUIRE(static_cast<int64_t>(ids.size()) == limit);
    CHECK(ids.front() == tok.cls_id());
    CHECK(ids.back() == tok.sep_id());
    CHECK(std::equal(ids.begin() + 1, ids.end() - 1, pieces.begin()));
  }
  CHECK(tok.encode(long_text, false, 5) == std::vector<int32_t>(pieces.begin(), pieces.begin() + 5));
  // A limit above the text's length changes nothing.
  CHECK(tok.encode("chest pain", true, 50) == tok.encode("chest pain"));

  CHECK_THROWS_WITH_AS(tok.encode("x", true, 1), doctest::Contains("no room for [CLS] and [SEP]"),
                       std::runtime_error);
  CHECK_THROWS_AS(tok.encode("x", true, -1), std::runtime_error);
}

TEST_CASE("tokenizer: encode_batch pads to the longest row with masks") {
  const WordPieceTokenizer tok = WordPieceTokenizer::from_model_dir(kTinyDir);
  const std::vector<std::string> texts = {"chest pain", "", "acute heart failure with fever", "pain"};
  const Batch b = tok.encode_batch(texts);
  REQUIRE(b.batch == 4);
  std::vector<std::vector<int32_t>> rows;
  for (const auto& t : texts) rows.push_back(tok.encode(t));
  int64_t longest = 0;
  for (const auto& r : rows) longest = std::max<int64_t>(longest, static_cast<int64_t>(r.size()));
  REQUIRE(b.seq_len == longest);
  REQUIRE(b.input_ids.size() == static_cast<size_t>(b.batch * b.seq_len));
  REQUIRE(b.attention_mask.size() == b.input_ids.size());
  REQUIRE(b.token_type_ids.size() == b.input_ids.size());
  for (int64_t r = 0; r < b.batch; ++r) {
    const auto& row = rows[static_cast<size_t>(r)];
    CHECK(b.row_length(r) == static_cast<int64_t>(row.size()));
    for (int64_t c = 0; c < b.seq_len; ++c) {
      const size_t at = static_cast<size_t>(r * b.seq_len + c);
      const bool real = c < static_cast<int64_t>(row.size());
      CHECK(b.input_ids[at] == (real ? row[static_cast<size_t>(c)] : tok.pad_id()));
      CHECK(b.attention_mask[at] == (real ? 1 : 0));
      CHECK(b.token_type_ids[at] == 0);
    }
  }
  const Batch empty = tok.encode_batch({});
  CHECK(empty.batch == 0);
  CHECK(empty.seq_len == 0);
  CHECK(empty.input_ids.empty());
}

TEST_CASE("tokenizer: length-sorted batches cover every text once, longest first") {
  const WordPieceTokenizer tok = WordPieceTokenizer::from_model_dir(kTinyDir);
  const std::vector<std::string> texts = {"pain",
                                          "acute heart failure with fever and chest pain",
                                          "",
                                          "chest pain",
                                          "blood pressure 140/90",
                                          "fever",
                                          "chest pain",
                                          "insulin 10 units (at night)"};
  const SortedBatches sorted = tok.encode_sorted_batches(texts, 3);
  REQUIRE(sorted.order.size() == texts.size());
  std::vector<size_t> seen = sorted.order;
  std::sort(seen.begin(), seen.end());
  for (size_t i = 0; i < seen.size(); ++i) CHECK(seen[i] == i);
  REQUIRE(sorted.batches.size() == 3);  // 3 + 3 + 2 rows
  CHECK(sorted.batches[0].batch == 3);
  CHECK(sorted.batches[2].batch == 2);

  int64_t previous = INT64_MAX;
  size_t k = 0;
  for (const Batch& b : sorted.batches) {
    for (int64_t r = 0; r < b.batch; ++r, ++k) {
      // Putting results back: row r of this batch is texts[order[k]].
      const std::vector<int32_t> expected = tok.encode(texts[sorted.order[k]]);
      const std::vector<int32_t> row(b.input_ids.begin() + r * b.seq_len,
                                     b.input_ids.begin() + r * b.seq_len + b.row_length(r));
      CHECK(row == expected);
      CHECK(b.row_length(r) <= previous);
      previous = b.row_length(r);
    }
  }
  // Equal lengths keep input order: "chest pain" appears at 3 and 6.
  const auto first = std::find(sorted.order.begin(), sorted.order.end(), size_t{3});
  const auto second = std::find(sorted.order.begin(), sorted.order.end(), size_t{6});
  CHECK(first < second);
  CHECK_THROWS_AS(tok.encode_sorted_batches(texts, 0), std::runtime_error);
}

TEST_CASE("tokenizer: malformed text is reported with its position") {
  const WordPieceTokenizer tok = WordPieceTokenizer::from_model_dir(kTinyDir);
  const std::string bad = std::string("chest ") + "\xC3" + "(";  // truncated two-byte sequence
  CHECK_THROWS_WITH_AS(tok.encode(bad), doctest::Contains("not valid UTF-8"), std::runtime_error);
  CHECK_THROWS_WITH_AS(tok.encode_batch({"fine", bad}), doctest::Contains("text 1"), std::runtime_error);
  CHECK_THROWS_AS(tok.encode("\xED\xA0\x80"), std::runtime_error);  // UTF-16 surrogate
  CHECK_THROWS_AS(tok.encode("\xC0\xAF"), std::runtime_error);      // overlong '/'
}

TEST_CASE("vocab: ids are line numbers; CRLF and a missing final newline are accepted") {
  ScratchDir dir("vocab_ok");
  const Vocab v = Vocab::from_file(dir.write("vocab.txt", "[PAD]\r\n[UNK]\nchest\r\n\n##s"));
  CHECK(v.size() == 5);
  CHECK(v.id("[PAD]") == 0);
  CHECK(v.id("chest") == 2);
  CHECK(v.token(3).empty());  // a blank line keeps its id
  CHECK(v.id("##s") == 4);
  CHECK(v.longest_token_chars() == 5);
  CHECK_FALSE(v.find("").has_value());
}

TEST_CASE("vocab: malformed files give errors naming the file and the problem") {
  ScratchDir dir("vocab_bad");
  const std::string missing = dir.file("nope.txt");
  CHECK_THROWS_WITH_AS(Vocab::from_file(missing), doctest::Contains("nope.txt: cannot open"),
                       std::runtime_error);
  CHECK_THROWS_WITH_AS(Vocab::from_file(dir.write("empty.txt", "")),
                       doctest::Contains("empty.txt: vocabulary file is empty"), std::runtime_error);
  CHECK_THROWS_WITH_AS(Vocab::from_file(dir.write("dup.txt", "[PAD]\nchest\npain\nchest\n")),
                       doctest::Contains("'chest' appears twice (lines 2 and 4)"), std::runtime_error);
  CHECK_THROWS_WITH_AS(Vocab::from_file(dir.write("utf8.txt", "[PAD]\nbad\xFF\n")),
                       doctest::Contains("utf8.txt: line 2"), std::runtime_error);
  CHECK_THROWS_AS(Vocab::from_file(dir.write("blank.txt", "\n\n")), std::runtime_error);

  // Each required special token, missing in turn.
  const std::vector<std::string> specials = {"[PAD]", "[UNK]", "[CLS]", "[SEP]"};
  for (const std::string& left_out : specials) {
    std::vector<std::string> tokens = {"chest", "pain"};
    for (const std::string& s : specials) {
      if (s != left_out) tokens.push_back(s);
    }
    CAPTURE(left_out);
    const std::string message = "'" + left_out + "' is not in the vocabulary";
    CHECK_THROWS_WITH_AS(WordPieceTokenizer(Vocab::from_tokens(tokens, "vocab.txt"), TokenizerConfig{}, 16),
                         doctest::Contains(message.c_str()), std::runtime_error);
  }
}

TEST_CASE("tokenizer: checkpoint folder errors name the file") {
  ScratchDir dir("tok_dir");
  CHECK_THROWS_WITH_AS(WordPieceTokenizer::from_model_dir(dir.path()),
                       doctest::Contains("config.json"), std::runtime_error);
  fs::copy(kTinyDir + "/config.json", dir.file("config.json"));
  CHECK_THROWS_WITH_AS(WordPieceTokenizer::from_model_dir(dir.path()), doctest::Contains("vocab.txt"),
                       std::runtime_error);
  // More tokens than config.json's vocab_size cannot index the embedding table.
  std::ifstream in(kTinyDir + "/vocab.txt");
  std::string vocab((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  dir.write("vocab.txt", vocab + "extra1\nextra2\n");
  CHECK_THROWS_WITH_AS(WordPieceTokenizer::from_model_dir(dir.path()), doctest::Contains("vocab_size"),
                       std::runtime_error);
}

TEST_CASE("tokenizer: default length is model_max_length capped by max_position_embeddings") {
  ScratchDir dir("tok_len");
  fs::copy(kTinyDir + "/config.json", dir.file("config.json"));  // max_position_embeddings 64
  fs::copy(kTinyDir + "/vocab.txt", dir.file("vocab.txt"));
  CHECK(WordPieceTokenizer::from_model_dir(dir.path()).max_length() ==
        64);  // no tokenizer_config.json
  dir.write("tokenizer_config.json", R"({"model_max_length": 512})");
  CHECK(WordPieceTokenizer::from_model_dir(dir.path()).max_length() == 64);
  dir.write("tokenizer_config.json", R"({"model_max_length": 16})");
  CHECK(WordPieceTokenizer::from_model_dir(dir.path()).max_length() == 16);
  dir.write("tokenizer_config.json", R"({"model_max_length": 1000000000000000019884624838656})");
  CHECK(WordPieceTokenizer::from_model_dir(dir.path()).max_length() == 64);
}
