#include "models/bert/text_encoder.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

#include "engine/autograd.h"
#include "io/content_hash.h"
#include "models/bert/bert_checkpoint.h"
#include "models/bert/bert_config.h"
#include "models/bert/model_dir.h"
#include "models/bert/sentence_pipeline.h"

namespace nlammr {

namespace fs = std::filesystem;

namespace {

// Tokenizes everything up front; on failure (invalid UTF-8) finds which text
// was at fault, so the message can say so.
SortedBatches tokenize(const WordPieceTokenizer& tokenizer, const std::vector<std::string>& texts,
                       const EmbedOptions& options) {
  try {
    return tokenizer.encode_sorted_batches(texts, options.batch_size, options.max_length);
  } catch (const std::exception& e) {
    for (size_t i = 0; i < texts.size(); ++i) {
      try {
        tokenizer.encode(texts[i], true, options.max_length);
      } catch (const std::exception& inner) {
        throw std::runtime_error("text " + std::to_string(i + 1) + ": " + inner.what());
      }
    }
    throw;
  }
}

int64_t resolve_max_length(int64_t requested, const SentencePipeline& pipeline, const BertModel& model,
                           const WordPieceTokenizer& tokenizer) {
  const int64_t limit = model.config().max_position_embeddings;
  if (requested < 0)
    throw std::runtime_error("max length must be positive, got " + std::to_string(requested));
  if (requested > limit)
    throw std::runtime_error("max length " + std::to_string(requested) + " exceeds the model's " +
                             "max_position_embeddings (" + std::to_string(limit) + ")");
  if (requested > 0) return requested;
  if (pipeline.max_seq_length) return std::min(*pipeline.max_seq_length, tokenizer.max_length());
  return tokenizer.max_length();
}

}  // namespace

Tensor embed_texts(const BertModel& model, const WordPieceTokenizer& tokenizer,
                   const std::vector<std::string>& texts, const EmbedOptions& options,
                   const ProgressFn& progress) {
  NoGradGuard no_grad;
  const int64_t n = static_cast<int64_t>(texts.size()), H = model.hidden_size();
  Tensor out = Tensor::empty({n, H}, model.dtype());
  if (n == 0) return out;
  const SortedBatches sorted = tokenize(tokenizer, texts, options);
  const size_t row_bytes = static_cast<size_t>(H) * dtype_size(model.dtype());
  char* dst = static_cast<char*>(out.raw_data());
  size_t k = 0;  // rows done, counted in the sorted order
  for (const Batch& batch : sorted.batches) {
    const BatchTensors t = batch_tensors(batch);
    Tensor vectors = pool(model.forward(t.input_ids, t.attention_mask, t.token_type_ids), t.attention_mask,
                          options.pooling);
    if (options.normalize) vectors = l2_normalize(vectors);
    vectors = vectors.contiguous();
    const char* src = static_cast<const char*>(vectors.raw_data());
    for (int64_t r = 0; r < batch.batch; ++r, ++k)
      std::memcpy(dst + sorted.order[k] * row_bytes, src + r * row_bytes, row_bytes);
    if (progress) progress({static_cast<int64_t>(k), n});
  }
  return out;
}

std::string default_embedding_cache_dir() {
  if (const char* env = std::getenv("NLAMMR_CACHE"); env && *env) return env;
  return (fs::path(NLAMMR_SOURCE_DIR) / ".cache" / "embeddings").string();
}

std::string bert_checkpoint_identity(const std::string& model_dir) {
  ContentHasher h;
  for (const char* name : {"config.json", "vocab.txt", "tokenizer_config.json", "model.safetensors"}) {
    const fs::path path = fs::path(model_dir) / name;
    h.update_field(name);
    h.update_field(fs::exists(path) ? file_content_hash(path.string()) : std::string("absent"));
  }
  return h.hex();
}

TextEncoder::TextEncoder(TextEncoderOptions options)
    : model_dir_(options.model_dir.empty() ? find_default_model_dir() : options.model_dir),
      tokenizer_(WordPieceTokenizer::from_model_dir(model_dir_)),
      model_(load_bert_model(model_dir_)) {
  if (options.batch_size <= 0)
    throw std::runtime_error("batch size must be positive, got " + std::to_string(options.batch_size));
  // modules.json is read only when the pooling or normalisation is left to
  // it: a pipeline we cannot follow is no obstacle to explicit choices.
  SentencePipeline pipeline;
  if (!options.pooling || !options.normalize)
    pipeline = read_sentence_pipeline(model_dir_);
  else
    pipeline.max_seq_length = sentence_transformers_max_seq_length(model_dir_);
  embed_.pooling = options.pooling.value_or(pipeline.pooling);
  embed_.normalize = options.normalize.value_or(pipeline.normalize);
  embed_.max_length = resolve_max_length(options.max_length, pipeline, *model_, tokenizer_);
  embed_.batch_size = options.batch_size;
  if (embed_.pooling == Pooling::Pooler && !model_->has_pooler())
    throw std::runtime_error("pooler pooling needs the pooler, but " + model_dir_ +
                             "/model.safetensors has no 'pooler.dense.weight'; use --pooling mean or cls");

  if (!options.cache_dir.empty()) {
    EmbeddingCacheKey key{bert_checkpoint_identity(model_dir_), pooling_name(embed_.pooling),
                          embed_.max_length, embed_.normalize, dimension()};
    cache_ = std::make_unique<EmbeddingCache>(options.cache_dir, key, options.warn);
  }
}

Tensor TextEncoder::encode_texts(const std::vector<std::string>& texts, const ProgressFn& progress) {
  const int64_t n = static_cast<int64_t>(texts.size()), H = dimension();
  stats_ = Stats{};
  stats_.texts = n;
  Tensor out = Tensor::empty({n, H}, DType::Float32);
  float* rows = out.data<float>();

  // Each distinct text once: from the cache, or queued for the model.
  std::unordered_map<std::string_view, size_t> first_row;  // text -> the row that holds it
  std::vector<size_t> copy_from(texts.size());
  std::vector<std::string> todo;
  std::vector<size_t> todo_rows;
  for (size_t i = 0; i < texts.size(); ++i) {
    auto [it, is_new] = first_row.emplace(texts[i], i);
    copy_from[i] = it->second;
    if (!is_new) continue;
    if (cache_ && cache_->lookup(texts[i], rows + i * H)) {
      ++stats_.cache_hits;
      continue;
    }
    todo.push_back(texts[i]);
    todo_rows.push_back(i);
  }

  if (spread_.size > 1) {
    // This rank's contiguous share of the misses; all rows come back in order.
    const size_t ranks = static_cast<size_t>(spread_.size), r = static_cast<size_t>(spread_.rank);
    const size_t begin = r * (todo.size() / ranks) + std::min(r, todo.size() % ranks);
    const size_t end = begin + todo.size() / ranks + (r < todo.size() % ranks ? 1 : 0);
    const std::vector<std::string> mine(todo.begin() + static_cast<int64_t>(begin),
                                        todo.begin() + static_cast<int64_t>(end));
    std::vector<float> local;
    if (!mine.empty()) local = embed_texts(*model_, tokenizer_, mine, embed_, progress).to_vector<float>();
    const std::vector<float> all = spread_.allgather(local);
    if (all.size() != todo.size() * static_cast<size_t>(H))
      throw std::runtime_error("encode_texts: the ranks returned " + std::to_string(all.size()) + " values for " +
                               std::to_string(todo.size()) + " texts of width " + std::to_string(H));
    for (size_t j = 0; j < todo.size(); ++j)
      std::memcpy(rows + todo_rows[j] * H, all.data() + j * H, sizeof(float) * H);
    if (cache_ && !todo.empty()) {
      if (spread_.write_cache)
        cache_->insert(todo, all.data());
      else
        cache_->insert_in_memory(todo, all.data());
    }
  } else if (!todo.empty()) {
    const Tensor computed = embed_texts(*model_, tokenizer_, todo, embed_, progress);
    const float* src = computed.data<float>();
    for (size_t j = 0; j < todo.size(); ++j)
      std::memcpy(rows + todo_rows[j] * H, src + j * H, sizeof(float) * H);
    if (cache_) cache_->insert(todo, src);
  }
  stats_.computed = static_cast<int64_t>(todo.size());
  for (size_t i = 0; i < texts.size(); ++i)
    if (copy_from[i] != i) std::memcpy(rows + i * H, rows + copy_from[i] * H, sizeof(float) * H);
  return out;
}

}  // namespace nlammr
