#include "models/bert/bert_config.h"

#include <cmath>
#include <filesystem>
#include <stdexcept>

#include "models/bert/json_fields.h"

namespace nlammr {

namespace {

int64_t required_positive(const JsonFields& fields, const std::string& name) {
  int64_t value = fields.required_int(name);
  if (value <= 0) throw fields.field_error(name, "must be positive, got " + std::to_string(value));
  return value;
}

HiddenActivation parse_activation(const JsonFields& fields) {
  const std::string name = fields.optional_string("hidden_act", "gelu");
  if (name == "gelu") return HiddenActivation::GeluErf;
  if (name == "gelu_new" || name == "gelu_pytorch_tanh") return HiddenActivation::GeluTanh;
  if (name == "relu") return HiddenActivation::Relu;
  throw fields.field_error(
      "hidden_act", "unknown activation '" + name + "' (supported: gelu, gelu_new, gelu_pytorch_tanh, relu)");
}

// Special tokens are written either as a plain string or, by older versions
// of transformers, as an object {"content": "[UNK]", ...}.
std::string special_token(const JsonFields& fields, const std::string& name, const std::string& fallback) {
  if (!fields.has(name)) return fallback;
  const nlohmann::json& value = fields.raw().at(name);
  if (value.is_string()) return value.get<std::string>();
  if (value.is_object() && value.contains("content") && value.at("content").is_string()) {
    return value.at("content").get<std::string>();
  }
  throw fields.field_error(name, "expected a token string or an object with a \"content\" string");
}

std::optional<int64_t> parse_model_max_length(const JsonFields& fields) {
  const std::string name = "model_max_length";
  if (!fields.has(name)) return std::nullopt;
  const nlohmann::json& value = fields.raw().at(name);
  if (!value.is_number()) throw fields.field_error(name, "expected a number, got " + value.dump());
  // transformers writes int(1e30) when a tokenizer has no limit of its own.
  const double as_double = value.get<double>();
  if (as_double >= 1e15) return std::nullopt;
  if (as_double < 1 || std::floor(as_double) != as_double) {
    throw fields.field_error(name, "must be a positive integer, got " + value.dump());
  }
  return static_cast<int64_t>(as_double);
}

BertConfig parse_bert_config(const JsonFields& fields) {
  const std::string model_type = fields.optional_string("model_type", "bert");
  if (model_type != "bert") {
    throw fields.field_error("model_type", "'" + model_type + "' is not supported (only 'bert')");
  }
  const std::string positions = fields.optional_string("position_embedding_type", "absolute");
  if (positions != "absolute") {
    throw fields.field_error("position_embedding_type",
                             "'" + positions + "' is not supported (only 'absolute')");
  }

  BertConfig config;
  config.vocab_size = required_positive(fields, "vocab_size");
  config.hidden_size = required_positive(fields, "hidden_size");
  config.num_hidden_layers = required_positive(fields, "num_hidden_layers");
  config.num_attention_heads = required_positive(fields, "num_attention_heads");
  config.intermediate_size = required_positive(fields, "intermediate_size");
  config.max_position_embeddings = required_positive(fields, "max_position_embeddings");
  config.type_vocab_size = fields.optional_int("type_vocab_size", config.type_vocab_size);
  config.layer_norm_eps = fields.optional_number("layer_norm_eps", config.layer_norm_eps);
  config.hidden_act = parse_activation(fields);
  config.pad_token_id = fields.optional_int("pad_token_id", config.pad_token_id);
  config.hidden_dropout_prob = fields.optional_number("hidden_dropout_prob", config.hidden_dropout_prob);
  config.attention_probs_dropout_prob =
      fields.optional_number("attention_probs_dropout_prob", config.attention_probs_dropout_prob);
  config.initializer_range = fields.optional_number("initializer_range", config.initializer_range);

  if (config.hidden_size % config.num_attention_heads != 0) {
    throw fields.field_error("num_attention_heads",
                             "hidden_size " + std::to_string(config.hidden_size) + " is not divisible by " +
                                 std::to_string(config.num_attention_heads) + " heads");
  }
  if (config.type_vocab_size <= 0) {
    throw fields.field_error("type_vocab_size",
                             "must be positive, got " + std::to_string(config.type_vocab_size));
  }
  // Hugging Face models use 1e-12 to 1e-5; 0.1 is far above any of them yet
  // keeps the normalisation a normalisation. The size limits are far above
  // any BERT and stop an edited config.json before a huge allocation.
  if (!(config.layer_norm_eps > 0 && config.layer_norm_eps <= 0.1)) {
    throw fields.field_error("layer_norm_eps", "must lie in (0, 0.1], got " + std::to_string(config.layer_norm_eps));
  }
  auto check_size = [&](const char* name, int64_t value, int64_t limit) {
    if (value > limit) {
      throw fields.field_error(name, std::to_string(value) + " exceeds the limit of " + std::to_string(limit));
    }
  };
  check_size("vocab_size", config.vocab_size, 10000000);
  check_size("hidden_size", config.hidden_size, 65536);
  check_size("num_hidden_layers", config.num_hidden_layers, 1000);
  check_size("num_attention_heads", config.num_attention_heads, config.hidden_size);
  check_size("intermediate_size", config.intermediate_size, 262144);
  check_size("max_position_embeddings", config.max_position_embeddings, 1048576);
  check_size("type_vocab_size", config.type_vocab_size, 1024);
  auto check_probability = [&](const char* name, double p) {
    if (!(p >= 0 && p < 1)) throw fields.field_error(name, "must be in [0, 1), got " + std::to_string(p));
  };
  check_probability("hidden_dropout_prob", config.hidden_dropout_prob);
  check_probability("attention_probs_dropout_prob", config.attention_probs_dropout_prob);
  if (!(config.initializer_range >= 0)) throw fields.field_error("initializer_range", "must be non-negative");
  if (config.pad_token_id < 0 || config.pad_token_id >= config.vocab_size) {
    throw fields.field_error("pad_token_id", std::to_string(config.pad_token_id) +
                                                 " is outside the vocabulary (size " +
                                                 std::to_string(config.vocab_size) + ")");
  }
  return config;
}

TokenizerConfig parse_tokenizer_config(const JsonFields& fields) {
  TokenizerConfig config;
  config.do_lower_case = fields.optional_bool("do_lower_case", config.do_lower_case);
  config.strip_accents = fields.optional_bool_or_null("strip_accents");
  config.tokenize_chinese_chars =
      fields.optional_bool("tokenize_chinese_chars", config.tokenize_chinese_chars);
  config.model_max_length = parse_model_max_length(fields);
  config.unk_token = special_token(fields, "unk_token", config.unk_token);
  config.cls_token = special_token(fields, "cls_token", config.cls_token);
  config.sep_token = special_token(fields, "sep_token", config.sep_token);
  config.pad_token = special_token(fields, "pad_token", config.pad_token);
  config.mask_token = special_token(fields, "mask_token", config.mask_token);
  return config;
}

}  // namespace

const char* activation_name(HiddenActivation act) {
  switch (act) {
    case HiddenActivation::GeluErf:
      return "gelu";
    case HiddenActivation::GeluTanh:
      return "gelu_tanh";
    case HiddenActivation::Relu:
      return "relu";
  }
  return "?";
}

BertConfig BertConfig::from_json_file(const std::string& path) {
  return parse_bert_config(JsonFields::from_file(path));
}

BertConfig BertConfig::from_json_text(const std::string& text, const std::string& source) {
  return parse_bert_config(JsonFields::from_text(text, source));
}

TokenizerConfig TokenizerConfig::from_json_file(const std::string& path) {
  return parse_tokenizer_config(JsonFields::from_file(path));
}

TokenizerConfig TokenizerConfig::from_json_text(const std::string& text, const std::string& source) {
  return parse_tokenizer_config(JsonFields::from_text(text, source));
}

TokenizerConfig TokenizerConfig::from_model_dir(const std::string& model_dir) {
  const std::filesystem::path path = std::filesystem::path(model_dir) / "tokenizer_config.json";
  if (!std::filesystem::exists(path)) return TokenizerConfig{};
  return from_json_file(path.string());
}

std::optional<int64_t> sentence_transformers_max_seq_length(const std::string& model_dir) {
  const std::filesystem::path path = std::filesystem::path(model_dir) / "sentence_bert_config.json";
  if (!std::filesystem::exists(path)) return std::nullopt;
  const JsonFields fields = JsonFields::from_file(path.string());
  if (!fields.has("max_seq_length")) return std::nullopt;
  const int64_t value = fields.optional_int("max_seq_length", 0);
  if (value <= 0)
    throw fields.field_error("max_seq_length", "must be positive, got " + std::to_string(value));
  return value;
}

}  // namespace nlammr
