// The two configuration files of a Hugging Face BERT checkpoint folder:
// config.json (the network's shape) and tokenizer_config.json (how text is
// turned into tokens).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace nlammr {

// The feed-forward activation named by config.json's "hidden_act".
enum class HiddenActivation {
  GeluErf,   // "gelu": x * Phi(x), with the exact normal CDF (erf)
  GeluTanh,  // "gelu_new", "gelu_pytorch_tanh": the tanh approximation
  Relu,      // "relu"
};
const char* activation_name(HiddenActivation act);

struct BertConfig {
  int64_t vocab_size = 0;
  int64_t hidden_size = 0;
  int64_t num_hidden_layers = 0;
  int64_t num_attention_heads = 0;
  int64_t intermediate_size = 0;
  int64_t max_position_embeddings = 0;
  // Optional in config.json (older checkpoints omit them); these are the
  // values transformers assumes then.
  int64_t type_vocab_size = 2;
  double layer_norm_eps = 1e-12;
  HiddenActivation hidden_act = HiddenActivation::GeluErf;
  int64_t pad_token_id = 0;
  // Used only when fine-tuning: dropout after the embeddings and after each
  // sub-layer, and the standard deviation of a fresh model's weights.
  double hidden_dropout_prob = 0.1;
  double attention_probs_dropout_prob = 0.1;
  double initializer_range = 0.02;

  int64_t head_dim() const { return hidden_size / num_attention_heads; }

  // Parses and validates config.json. Errors name the file and the field:
  // missing field, wrong type, non-positive size, hidden_size not divisible
  // by num_attention_heads, unknown activation, a model type other than BERT.
  static BertConfig from_json_file(const std::string& path);
  static BertConfig from_json_text(const std::string& text, const std::string& source);
};

struct TokenizerConfig {
  bool do_lower_case = true;
  std::optional<bool> strip_accents;  // unset: follows do_lower_case
  bool tokenize_chinese_chars = true;
  // Unset when the file gives none (or the "no limit" sentinel transformers
  // writes); the tokenizer then uses max_position_embeddings.
  std::optional<int64_t> model_max_length;
  std::string unk_token = "[UNK]";
  std::string cls_token = "[CLS]";
  std::string sep_token = "[SEP]";
  std::string pad_token = "[PAD]";
  std::string mask_token = "[MASK]";

  // Parses tokenizer_config.json (same style of errors as BertConfig).
  static TokenizerConfig from_json_file(const std::string& path);
  static TokenizerConfig from_json_text(const std::string& text, const std::string& source);
  // tokenizer_config.json in `model_dir` when it exists, the defaults above otherwise.
  static TokenizerConfig from_model_dir(const std::string& model_dir);
};

// sentence-transformers checkpoints also carry sentence_bert_config.json,
// whose max_seq_length (256 for all-MiniLM-L6-v2) is the truncation length
// sentence-transformers uses. Unset when the file or the field is absent.
std::optional<int64_t> sentence_transformers_max_seq_length(const std::string& model_dir);

}  // namespace nlammr
