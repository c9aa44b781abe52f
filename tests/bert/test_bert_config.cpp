// config.json / tokenizer_config.json parsing and the model folder lookup:
// real checkpoints load, and every malformed input names its file and field.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "models/bert/bert_config.h"
#include "models/bert/model_dir.h"
#include "models/bert/tokenizer/vocab.h"
#include "tests/test_support.h"
#include "tests/test_support.h"

using namespace nlammr;
using nlammr::testing::ScratchDir;
namespace fs = std::filesystem;

namespace {

const std::string kTinyDir = testing::fixture_path("bert/tiny");

// A complete config.json in the style of the original BERT releases.
nlohmann::json base_config() {
  return {{"hidden_size", 64},        {"num_hidden_layers", 2},        {"num_attention_heads", 4},
          {"intermediate_size", 128}, {"max_position_embeddings", 32}, {"vocab_size", 100},
          {"type_vocab_size", 2},     {"hidden_act", "gelu"},          {"layer_norm_eps", 1e-12},
          {"pad_token_id", 0},        {"model_type", "bert"}};
}

BertConfig parse(const nlohmann::json& j) {
  return BertConfig::from_json_text(j.dump(), "config.json");
}

// The error message parse(j) throws ("" when it does not throw).
std::string parse_error(const nlohmann::json& j) {
  try {
    parse(j);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

std::string tokenizer_error(const std::string& text) {
  try {
    TokenizerConfig::from_json_text(text, "tokenizer_config.json");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

// Sets an environment variable for one scope and restores the old value.
struct ScopedEnv {
  std::string name;
  std::optional<std::string> old;
  ScopedEnv(const std::string& n, const std::optional<std::string>& value) : name(n) {
    if (const char* v = std::getenv(n.c_str())) old = v;
    if (value) {
      setenv(n.c_str(), value->c_str(), 1);
    } else {
      unsetenv(n.c_str());
    }
  }
  ~ScopedEnv() {
    if (old) {
      setenv(name.c_str(), old->c_str(), 1);
    } else {
      unsetenv(name.c_str());
    }
  }
};

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("bert config: the tiny fixture checkpoint") {
  const BertConfig c = BertConfig::from_json_file(kTinyDir + "/config.json");
  // Values written by tools/reference/make_bert_fixtures.py.
  CHECK(c.hidden_size == 32);
  CHECK(c.num_hidden_layers == 2);
  CHECK(c.num_attention_heads == 4);
  CHECK(c.head_dim() == 8);
  CHECK(c.intermediate_size == 64);
  CHECK(c.max_position_embeddings == 64);
  CHECK(c.type_vocab_size == 2);
  CHECK(c.hidden_act == HiddenActivation::GeluErf);
  CHECK(c.layer_norm_eps == doctest::Approx(1e-12));
  CHECK(c.pad_token_id == 0);
  CHECK(c.vocab_size == Vocab::from_file(kTinyDir + "/vocab.txt").size());
  // The float16 copy has the same shape (its "dtype" field is not ours to read).
  CHECK(BertConfig::from_json_file(testing::fixture_path("bert/tiny_fp16/config.json")).hidden_size == 32);
}

TEST_CASE("bert config: the installed all-MiniLM-L6-v2") {
  std::string dir;
  try {
    dir = find_default_model_dir();
  } catch (const std::exception& e) {
    NLAMMR_SKIP("all-MiniLM-L6-v2 is not installed (" << std::string(e.what()) << ")");
  }
  const BertConfig c = BertConfig::from_json_file(dir + "/config.json");
  CHECK(c.hidden_size == 384);
  CHECK(c.num_hidden_layers == 6);
  CHECK(c.num_attention_heads == 12);
  CHECK(c.intermediate_size == 1536);
  CHECK(c.max_position_embeddings == 512);
  CHECK(c.vocab_size == 30522);
  CHECK(c.hidden_act == HiddenActivation::GeluErf);
  const TokenizerConfig t = TokenizerConfig::from_model_dir(dir);
  CHECK(t.do_lower_case);
  CHECK_FALSE(t.strip_accents.has_value());
  CHECK(t.model_max_length == std::optional<int64_t>(512));
  CHECK(sentence_transformers_max_seq_length(dir) == std::optional<int64_t>(256));
}

TEST_CASE("bert config: optional fields take transformers' defaults") {
  nlohmann::json j = base_config();
  for (const char* optional :
       {"type_vocab_size", "hidden_act", "layer_norm_eps", "pad_token_id", "model_type"}) {
    j.erase(optional);
  }
  j["pad_token_id"] = nullptr;
  const BertConfig c = parse(j);
  CHECK(c.type_vocab_size == 2);
  CHECK(c.hidden_act == HiddenActivation::GeluErf);
  CHECK(c.layer_norm_eps == doctest::Approx(1e-12));
  CHECK(c.pad_token_id == 0);
  // Unrelated fields (dropout, architectures, ...) are ignored.
  j["architectures"] = {"BertModel"};
  j["hidden_dropout_prob"] = 0.1;
  CHECK(parse(j).hidden_size == 64);
}

TEST_CASE("bert config: activation names") {
  nlohmann::json j = base_config();
  const std::pair<const char*, HiddenActivation> known[] = {{"gelu", HiddenActivation::GeluErf},
                                                            {"gelu_new", HiddenActivation::GeluTanh},
                                                            {"gelu_pytorch_tanh", HiddenActivation::GeluTanh},
                                                            {"relu", HiddenActivation::Relu}};
  for (const auto& [name, act] : known) {
    j["hidden_act"] = name;
    CHECK(parse(j).hidden_act == act);
  }
  j["hidden_act"] = "swish";
  const std::string error = parse_error(j);
  CHECK(has(error, "config.json: field 'hidden_act': unknown activation 'swish'"));
  j["hidden_act"] = 3;
  CHECK(has(parse_error(j), "field 'hidden_act': expected a string"));
}

TEST_CASE("bert config: each required field, when missing, is named") {
  for (const char* field : {"hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
                            "max_position_embeddings", "vocab_size"}) {
    nlohmann::json j = base_config();
    j.erase(field);
    CAPTURE(field);
    CHECK(parse_error(j) == std::string("config.json: field '") + field + "': missing");
  }
}

TEST_CASE("bert config: wrong types and impossible values") {
  nlohmann::json j = base_config();
  j["hidden_size"] = "64";
  CHECK(has(parse_error(j), "field 'hidden_size': expected an integer, got \"64\" (string)"));
  j["hidden_size"] = 64.5;
  CHECK(has(parse_error(j), "field 'hidden_size': expected an integer"));
  j["hidden_size"] = true;
  CHECK(has(parse_error(j), "field 'hidden_size': expected an integer"));
  j["hidden_size"] = 0;
  CHECK(has(parse_error(j), "field 'hidden_size': must be positive"));
  j["hidden_size"] = 66;  // 66 / 4 heads
  CHECK(has(parse_error(j), "hidden_size 66 is not divisible by 4 heads"));

  j = base_config();
  j["layer_norm_eps"] = "1e-12";
  CHECK(has(parse_error(j), "field 'layer_norm_eps': expected a number"));
  j["layer_norm_eps"] = 0;
  CHECK(has(parse_error(j), "field 'layer_norm_eps': must lie in (0, 0.1]"));

  j = base_config();
  j["pad_token_id"] = 100;
  CHECK(has(parse_error(j), "field 'pad_token_id': 100 is outside the vocabulary"));
  j = base_config();
  j["type_vocab_size"] = -1;
  CHECK(has(parse_error(j), "field 'type_vocab_size'"));
  j = base_config();
  j["model_type"] = "roberta";
  CHECK(has(parse_error(j), "field 'model_type': 'roberta' is not supported"));
  j = base_config();
  j["position_embedding_type"] = "relative_key";
  CHECK(has(parse_error(j), "field 'position_embedding_type': 'relative_key' is not supported"));
}

TEST_CASE("bert config: malformed and missing files") {
  CHECK_THROWS_WITH_AS(BertConfig::from_json_text("{\"hidden_size\": 64,", "config.json"),
                       doctest::Contains("config.json: malformed JSON"), std::runtime_error);
  CHECK_THROWS_WITH_AS(BertConfig::from_json_text("[1, 2]", "config.json"),
                       doctest::Contains("config.json: expected a JSON object"), std::runtime_error);
  CHECK_THROWS_WITH_AS(BertConfig::from_json_text("", "config.json"), doctest::Contains("malformed JSON"),
                       std::runtime_error);
  ScratchDir dir("config_files");
  const std::string missing = dir.path() + "/config.json";
  CHECK_THROWS_WITH_AS(BertConfig::from_json_file(missing), doctest::Contains("config.json: cannot open"),
                       std::runtime_error);
  const std::string broken = dir.write("config.json", "{\"hidden_size\": }");
  CHECK_THROWS_WITH_AS(BertConfig::from_json_file(broken), doctest::Contains(broken.c_str()),
                       std::runtime_error);
}

TEST_CASE("tokenizer config: fields, defaults and the 'no limit' sentinel") {
  const TokenizerConfig defaults = TokenizerConfig::from_json_text("{}", "tokenizer_config.json");
  CHECK(defaults.do_lower_case);
  CHECK_FALSE(defaults.strip_accents.has_value());
  CHECK(defaults.tokenize_chinese_chars);
  CHECK_FALSE(defaults.model_max_length.has_value());
  CHECK(defaults.unk_token == "[UNK]");

  const TokenizerConfig cased = TokenizerConfig::from_json_text(
      R"({"do_lower_case": false, "strip_accents": true, "tokenize_chinese_chars": false,
          "model_max_length": 128, "unk_token": {"content": "<unk>", "lstrip": false}, "cls_token": "<s>"})",
      "tokenizer_config.json");
  CHECK_FALSE(cased.do_lower_case);
  CHECK(cased.strip_accents == std::optional<bool>(true));
  CHECK_FALSE(cased.tokenize_chinese_chars);
  CHECK(cased.model_max_length == std::optional<int64_t>(128));
  CHECK(cased.unk_token == "<unk>");
  CHECK(cased.cls_token == "<s>");

  CHECK(TokenizerConfig::from_json_text(R"({"strip_accents": false})", "t").strip_accents ==
        std::optional<bool>(false));
  CHECK_FALSE(TokenizerConfig::from_json_text(R"({"strip_accents": null})", "t").strip_accents.has_value());
  // transformers writes int(1e30) when a tokenizer has no limit of its own.
  CHECK_FALSE(TokenizerConfig::from_json_text(R"({"model_max_length": 1000000000000000019884624838656})", "t")
                  .model_max_length.has_value());

  CHECK(has(tokenizer_error(R"({"do_lower_case": "yes"})"),
            "tokenizer_config.json: field 'do_lower_case': expected true, false or null"));
  CHECK(has(tokenizer_error(R"({"model_max_length": -1})"),
            "field 'model_max_length': must be a positive integer"));
  CHECK(
      has(tokenizer_error(R"({"model_max_length": "512"})"), "field 'model_max_length': expected a number"));
  CHECK(has(tokenizer_error(R"({"unk_token": 5})"), "field 'unk_token'"));
  CHECK(has(tokenizer_error("{oops}"), "tokenizer_config.json: malformed JSON"));

  // A folder without tokenizer_config.json gets the defaults.
  ScratchDir dir("tokenizer_config");
  CHECK(TokenizerConfig::from_model_dir(dir.path()).do_lower_case);
  CHECK_FALSE(sentence_transformers_max_seq_length(dir.path()).has_value());
  dir.write("sentence_bert_config.json", R"({"max_seq_length": 0})");
  CHECK_THROWS_WITH_AS(sentence_transformers_max_seq_length(dir.path()),
                       doctest::Contains("field 'max_seq_length': must be positive"), std::runtime_error);
}

TEST_CASE("model folder: validation names the folder and the missing file") {
  CHECK_NOTHROW(validate_model_dir(kTinyDir));
  CHECK_NOTHROW(validate_model_dir(testing::fixture_path("bert/tiny_legacy_names")));

  ScratchDir dir("model_dir");
  const std::string missing = dir.path() + "/absent";
  CHECK_THROWS_WITH_AS(validate_model_dir(missing), doctest::Contains("does not exist"), std::runtime_error);
  const std::string file = dir.write("a_file", "x");
  CHECK_THROWS_WITH_AS(validate_model_dir(file), doctest::Contains("is not a directory"), std::runtime_error);
  CHECK_THROWS_WITH_AS(validate_model_dir(dir.path()), doctest::Contains("has no config.json"),
                       std::runtime_error);
  dir.write("config.json", "{}");
  CHECK_THROWS_WITH_AS(validate_model_dir(dir.path()), doctest::Contains("has no vocab.txt"),
                       std::runtime_error);
  dir.write("vocab.txt", "[PAD]\n");
  CHECK_THROWS_WITH_AS(validate_model_dir(dir.path()), doctest::Contains("has no model.safetensors"),
                       std::runtime_error);
  dir.write("pytorch_model.bin", "x");
  CHECK_THROWS_WITH_AS(validate_model_dir(dir.path()),
                       doctest::Contains("tools/convert_bin_to_safetensors.py"), std::runtime_error);
}

TEST_CASE("model folder: NLAMMR_MODEL overrides the default, and its errors say so") {
  {
    ScopedEnv env(kModelDirEnvVar, kTinyDir);
    CHECK(find_default_model_dir() == kTinyDir);
  }
  {
    ScopedEnv env(kModelDirEnvVar, std::string("/nonexistent/model"));
    CHECK_THROWS_WITH_AS(find_default_model_dir(), doctest::Contains("NLAMMR_MODEL is set, but"),
                         std::runtime_error);
  }
  {
    ScopedEnv env(kModelDirEnvVar, std::nullopt);
    CHECK(has(project_model_cache_dir(), ".cache/models/all-MiniLM-L6-v2"));
    if (fs::exists(project_model_cache_dir())) {
      CHECK(find_default_model_dir() == project_model_cache_dir());
    } else {
      CHECK_THROWS_WITH_AS(find_default_model_dir(), doctest::Contains("scripts/setup.sh"),
                           std::runtime_error);
    }
  }
}

TEST_CASE("bert config: layer_norm_eps and the sizes are range-checked, naming the field") {
  nlohmann::json j = base_config();
  for (double eps : {7.0, 1e308, 0.0, -1e-12}) {
    CAPTURE(eps);
    j["layer_norm_eps"] = eps;
    CHECK(parse_error(j).find("config.json: field 'layer_norm_eps': must lie in (0, 0.1]") == 0);
  }
  j["layer_norm_eps"] = 1e-5;
  CHECK(parse(j).layer_norm_eps == doctest::Approx(1e-5));
  j = base_config();
  j["hidden_size"] = 1000000000000LL;
  j["num_attention_heads"] = 1;
  CHECK(parse_error(j).find("field 'hidden_size': 1000000000000 exceeds the limit of 65536") != std::string::npos);
  j = base_config();
  j["vocab_size"] = 100000000;
  CHECK(parse_error(j).find("field 'vocab_size': 100000000 exceeds the limit of 10000000") != std::string::npos);
}

// Found by fuzz/bert_config_fuzzer.cpp: a number beyond the range of a double
// made nlohmann::json throw out_of_range (not parse_error), which escaped as
// a raw "[json.exception.out_of_range.406]" message naming no file.
TEST_CASE("bert config: a number too large for a double is an error naming the file") {
  for (const char* text : {"{\"hidden_size\": 1e99999}", "444444444.3e14851367060{\"model_type\":\"bert\"}"}) {
    CAPTURE(text);
    CHECK_THROWS_WITH_AS(BertConfig::from_json_text(text, "config.json"), doctest::Contains("config.json: malformed JSON"),
                         std::runtime_error);
    CHECK_THROWS_WITH_AS(TokenizerConfig::from_json_text(text, "tokenizer_config.json"),
                         doctest::Contains("tokenizer_config.json: malformed JSON"), std::runtime_error);
  }
}
